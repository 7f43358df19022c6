-- The event log: every event of every context, appended in the transaction that caused it.
-- Consumers learn of events through the dispatcher, which moves committed events to the job
-- queue in batches; each consumer records what it has applied, with its effect.
CREATE SCHEMA events;

CREATE TABLE events.log (
    seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid NOT NULL UNIQUE,
    order_id      uuid NOT NULL,
    event_type    text NOT NULL,
    payload       jsonb NOT NULL,
    actor         text NOT NULL,
    occurred_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    dispatched_at timestamptz
);
CREATE INDEX log_order ON events.log (order_id, seq);
-- The dispatcher's queue: small, because dispatched rows leave it at once.
CREATE INDEX log_undispatched ON events.log (seq) WHERE dispatched_at IS NULL;
CREATE INDEX log_dispatched_at ON events.log (dispatched_at);

-- (consumer, event) pairs already applied: written in the consumer's own transaction.
CREATE TABLE events.consumed (
    consumer    text NOT NULL,
    event_id    uuid NOT NULL,
    consumed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX consumed_event ON events.consumed (event_id);

-- Paused consumers (the "store system down" drill). Events keep flowing to everyone else.
CREATE TABLE events.paused_consumers (
    consumer  text PRIMARY KEY,
    paused_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Operator drills: make a consumer fail its next N events, to watch retries work.
CREATE TABLE events.fault_drills (
    consumer     text PRIMARY KEY,
    failures_left integer NOT NULL CHECK (failures_left >= 0)
);
