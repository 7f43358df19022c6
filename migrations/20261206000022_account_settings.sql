-- A person may turn KakaoTalk messages about their orders off, and on again, from their account
-- page; the inbox keeps every message either way. Codes sent to prove a phone or reset a password
-- are not order messages and go out regardless.
ALTER TABLE platform.accounts ADD COLUMN kakao_wanted boolean NOT NULL DEFAULT true;
