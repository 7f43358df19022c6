-- A way back in for a person who forgot their password: a step that lets them set a new one,
-- opened either by a code sent to their proven phone (15 minutes) or by an operator for an
-- account without one (a link that works for 24 hours). Only a SHA-256 of the step's token is
-- kept; a step works once. Steps an operator opened stay as the record of who opened them.
CREATE TABLE platform.password_resets (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    -- The operator who issued the link; NULL when the account's own phone code opened the step.
    issued_by  uuid REFERENCES platform.accounts,
    issued_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_account ON platform.password_resets (account_id);

-- A new password ends every session of its account: find them without reading every session.
CREATE INDEX sessions_account ON platform.sessions ((data->>'account_id'));

-- The minute between two codes counts per purpose: a person who has just proven their phone may
-- still ask for a reset code at once. The daily caps count both purposes together.
ALTER TABLE platform.phone_code_sends
    ADD COLUMN purpose text NOT NULL DEFAULT 'prove_phone'
        CHECK (purpose IN ('prove_phone', 'reset_password'));
