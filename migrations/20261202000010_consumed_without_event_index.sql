-- Every consumer batch writes one `events.consumed` row per event; a second index on event_id
-- made each of those rows cost two index inserts. The primary key (consumer, event_id) answers
-- the per-event history too, given the consumers' names.
DROP INDEX events.consumed_event;
