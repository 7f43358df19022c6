-- A rider's phone may send the same tap twice: it queues taps made without a connection and sends
-- them again until the server answers. Each tap carries a key chosen on the phone; the first answer
-- to a key is kept here and given again to every repeat, so a tap takes effect once.
CREATE TABLE delivery.rider_receipts (
    rider_id    uuid        NOT NULL,
    request_key uuid        NOT NULL,
    order_id    uuid        NOT NULL,
    command     text        NOT NULL,
    -- The answer as the server function returned it: {"Ok": status} or {"Err": error}.
    answer      jsonb       NOT NULL,
    answered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rider_id, request_key)
);

-- Old receipts are pruned; a phone replays its queue within hours, not weeks.
CREATE INDEX rider_receipts_answered_at ON delivery.rider_receipts (answered_at);
