-- A page that opens its live link asks whether what it shows changed since it was rendered
-- (`event_log::applied_since`), which reads the consumers' most recent applications. Rows arrive
-- in `consumed_at` order, so a block-range index finds the recent ones while costing the
-- consumers' inserts next to nothing (a B-tree here would be a second insert per event).
CREATE INDEX consumed_recent ON events.consumed USING brin (consumed_at);
