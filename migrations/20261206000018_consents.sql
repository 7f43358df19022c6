-- What each account agreed to at sign-up, and which wording it saw. Korean privacy law asks that
-- consent be shown on request, required consents apart from optional ones; the optional one
-- (offers and news) can be withdrawn later, which keeps the row with the time it was withdrawn.
CREATE TABLE platform.consents (
    account_id   uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    consent      text NOT NULL CHECK (consent IN ('age_14', 'terms', 'privacy', 'marketing')),
    wording      text NOT NULL CHECK (length(wording) BETWEEN 1 AND 40),
    given_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    withdrawn_at timestamptz,
    PRIMARY KEY (account_id, consent)
);
