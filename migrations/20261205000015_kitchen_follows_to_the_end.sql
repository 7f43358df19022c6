-- The kitchen's copy follows an order to its end: delivered, delivery failed (with its reason),
-- completed, cancelled. Until now the store consumer stopped at PICKED_UP.
ALTER TABLE store.store_orders
    ADD COLUMN outcome_reason text,
    -- When the order reached its status: the day's list of finished orders is read by it.
    ADD COLUMN status_since timestamptz;
UPDATE store.store_orders SET status_since = updated_at;
ALTER TABLE store.store_orders
    ALTER COLUMN status_since SET NOT NULL,
    ALTER COLUMN status_since SET DEFAULT clock_timestamp();

-- The copy holds the order's own status names (OrderStatus) instead of two of its own.
UPDATE store.store_orders
SET status = CASE status WHEN 'NEW' THEN 'PAID' WHEN 'READY' THEN 'COOKED' END
WHERE status IN ('NEW', 'READY');

-- Existing copies are corrected by replaying the log, not by hand: the events of the kinds the
-- store consumer now follows go back to the dispatcher, for every order the kitchen holds. The
-- store consumer folds each order's whole history again (and records the events as applied, so
-- the operator's consumption view has no gaps); every other consumer has applied them already
-- (events.consumed) and skips them.
UPDATE events.log SET dispatched_at = NULL
WHERE event_type IN ('Delivered', 'DeliveryFailed', 'DeliveryRetried', 'OrderCompleted')
  AND order_id IN (SELECT order_id FROM store.store_orders);
