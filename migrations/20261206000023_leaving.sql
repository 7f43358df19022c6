-- A customer who leaves Baedal (회원탈퇴) keeps no personal data here: the account row stays, so
-- that orders keep a valid reference, but its email, name, phone and password are erased and it
-- is marked withdrawn; what else is kept, and for how long, is in the README.
ALTER TABLE platform.accounts ADD COLUMN withdrawn_at timestamptz;
