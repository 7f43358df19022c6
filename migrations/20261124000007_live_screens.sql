-- What the rider's screen shows: where to pick up and where to drop off, and the finished state.
ALTER TABLE delivery.deliveries
    ADD COLUMN store_address   text NOT NULL DEFAULT '',
    ADD COLUMN dropoff_address text NOT NULL DEFAULT '';
ALTER TABLE delivery.deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE delivery.deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('OPEN', 'ASSIGNED', 'PICKED_UP', 'DELIVERED', 'COMPLETED', 'FAILED', 'CANCELLED'));
CREATE INDEX deliveries_rider ON delivery.deliveries (rider_id, updated_at DESC);
