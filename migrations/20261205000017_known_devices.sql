-- Browsers that have logged into an account. While failed logins flood the site, a login from a
-- browser listed here for the account it names is checked at once; others are rationed. Only a
-- hash of the browser's token is kept: the table alone lets nobody pass for a known browser.
CREATE TABLE platform.known_devices (
    token_hash   bytea NOT NULL,
    account_id   uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    last_used_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (token_hash, account_id)
);
CREATE INDEX known_devices_account ON platform.known_devices (account_id);
