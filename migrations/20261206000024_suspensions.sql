-- An operator may suspend an account (fraud under review, a rider or owner threatened): its
-- sessions end and its logins are refused with a sentence until an operator reinstates it. Who
-- suspended it, when and why stay on the row; an operator's account is never suspended from the
-- console.
ALTER TABLE platform.accounts
    ADD COLUMN suspended_at     timestamptz,
    ADD COLUMN suspended_reason text CHECK (length(suspended_reason) BETWEEN 1 AND 200),
    ADD COLUMN suspended_by     uuid REFERENCES platform.accounts,
    ADD CONSTRAINT suspension_has_a_reason CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL));
