-- Joining: store owners and riders apply, and an operator reviews each application before the
-- applicant can sell or ride. An application keeps what was last submitted; every decision on it
-- stays in `decisions` (who, when, why), so an application asked to change and sent again keeps
-- its history.
CREATE SCHEMA onboarding;

CREATE TABLE onboarding.applications (
    application_id     uuid PRIMARY KEY,
    applicant_id       uuid NOT NULL REFERENCES platform.accounts,
    kind               text NOT NULL CHECK (kind IN ('owner', 'rider')),
    status             text NOT NULL
                       CHECK (status IN ('submitted', 'changes_asked', 'approved', 'rejected')),
    -- What the applicant sent, shaped by `onboarding::ApplicationDetails` (one shape per kind).
    details            jsonb NOT NULL,
    first_submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The queue is served oldest first by the last time the application was sent.
    submitted_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- An applicant has at most one application of each kind under review or waiting for changes; an
-- owner with a store may apply for another one once the first is decided.
CREATE UNIQUE INDEX applications_one_open
    ON onboarding.applications (applicant_id, kind)
    WHERE status IN ('submitted', 'changes_asked');
CREATE INDEX applications_queue ON onboarding.applications (submitted_at)
    WHERE status = 'submitted';
CREATE INDEX applications_applicant ON onboarding.applications (applicant_id, first_submitted_at);

CREATE TABLE onboarding.decisions (
    decision_id    uuid PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES onboarding.applications,
    decision       text NOT NULL CHECK (decision IN ('approved', 'rejected', 'changes_asked')),
    -- The reason of a rejection, the changes asked for; an approval may say nothing.
    message        text NOT NULL CHECK (length(message) <= 500),
    decided_by     uuid NOT NULL REFERENCES platform.accounts,
    decided_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (decision = 'approved' OR length(message) >= 1)
);
CREATE INDEX decisions_application ON onboarding.decisions (application_id, decided_at);

-- A rider agrees, when applying, that their position is sent while they are on duty.
ALTER TABLE platform.consents DROP CONSTRAINT consents_consent_check;
ALTER TABLE platform.consents ADD CONSTRAINT consents_consent_check
    CHECK (consent IN ('age_14', 'terms', 'privacy', 'marketing', 'location_on_duty'));

-- A store made from an approved application is not live until its owner has set it up: the
-- customers' lists and orders only reach stores with `live_since`. Stores from before this
-- migration were live from the day they were made. The store's phone comes from the application.
ALTER TABLE store.stores
    ADD COLUMN live_since timestamptz,
    ADD COLUMN phone text CHECK (phone ~ '^0[0-9]{8,10}$');
UPDATE store.stores SET live_since = created_at;
DROP INDEX store.stores_location;
CREATE INDEX stores_location ON store.stores (lat, lng) WHERE live_since IS NOT NULL;

-- Inbox messages about an application concern no order.
ALTER TABLE notification.inbox ALTER COLUMN order_id DROP NOT NULL;
