-- Inbox messages keep what happened (the event's facts) so each reader gets them in their own
-- language; `message` keeps the English sentence, and is all that older rows have.
ALTER TABLE notification.inbox ADD COLUMN text jsonb;
