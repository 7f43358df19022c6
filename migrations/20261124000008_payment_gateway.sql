-- Payments now go through the provider: keep its payment key, and let a refund wait (PENDING)
-- until the provider confirms it (DONE). Rows from before were settled at once.
ALTER TABLE payment.payments ADD COLUMN payment_key text;
ALTER TABLE payment.refunds ADD COLUMN status text NOT NULL DEFAULT 'DONE'
    CHECK (status IN ('PENDING', 'DONE'));
ALTER TABLE payment.refunds ALTER COLUMN status SET DEFAULT 'PENDING';
ALTER TABLE payment.refunds ADD COLUMN requested_at timestamptz NOT NULL DEFAULT clock_timestamp();
ALTER TABLE payment.refunds ALTER COLUMN refunded_at DROP NOT NULL;
ALTER TABLE payment.refunds ALTER COLUMN refunded_at DROP DEFAULT;
