-- A phone receives KakaoTalk messages only once its owner has proven it with a one-time code
-- sent to it, so a number typed by mistake (or someone else's) never gets our messages.
-- Phones are kept as digits only (01012345678); numbers stored before proofs existed stay on the
-- account, unproven, until their owner proves them.
ALTER TABLE platform.accounts ADD COLUMN phone_proven_at timestamptz;
UPDATE platform.accounts SET phone = regexp_replace(phone, '[^0-9]', '', 'g') WHERE phone IS NOT NULL;

-- The code an account is waiting to type, for each purpose: proving the number it names, or
-- setting a new password after it forgot the old one (sent to the proven phone). Only an Argon2
-- hash of the code is kept; a new code replaces the old one of the same purpose.
CREATE TABLE platform.phone_codes (
    account_id uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('prove_phone', 'reset_password')),
    phone      text NOT NULL CHECK (phone ~ '^01[016789][0-9]{7,8}$'),
    code_hash  text NOT NULL,
    sent_at    timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    tries      integer NOT NULL DEFAULT 0 CHECK (tries BETWEEN 0 AND 5),
    PRIMARY KEY (account_id, purpose)
);

-- Every code sent, for the caps per phone and per account over a day; older rows are pruned.
CREATE TABLE platform.phone_code_sends (
    account_id uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    phone      text NOT NULL,
    sent_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX phone_code_sends_phone ON platform.phone_code_sends (phone, sent_at);
CREATE INDEX phone_code_sends_account ON platform.phone_code_sends (account_id, sent_at);
CREATE INDEX phone_code_sends_age ON platform.phone_code_sends (sent_at);
