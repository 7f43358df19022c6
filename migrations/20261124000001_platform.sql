-- Platform: accounts (one role each), customers' saved addresses, HTTP sessions.
CREATE SCHEMA platform;

CREATE TABLE platform.accounts (
    account_id    uuid PRIMARY KEY,
    email         text NOT NULL CHECK (email LIKE '%_@_%' AND length(email) <= 200),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    phone         text,
    role          text NOT NULL CHECK (role IN ('customer', 'owner', 'rider', 'operator')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON platform.accounts (lower(email));

CREATE TABLE platform.customer_addresses (
    address_id uuid PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES platform.accounts ON DELETE CASCADE,
    label      text NOT NULL CHECK (length(label) BETWEEN 1 AND 40),
    line       text NOT NULL CHECK (length(line) BETWEEN 1 AND 200),
    lat        double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX customer_addresses_account ON platform.customer_addresses (account_id);

CREATE TABLE platform.sessions (
    id         text PRIMARY KEY,
    data       jsonb NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expires_at ON platform.sessions (expires_at);
