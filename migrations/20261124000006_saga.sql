-- Read models and context tables fed by the order saga's consumers.

-- Tracking: the customer's order-status view (CQRS). Written only by the tracking consumer.
CREATE SCHEMA tracking;
CREATE TABLE tracking.order_views (
    order_id         uuid PRIMARY KEY,
    customer_id      uuid NOT NULL,
    store_id         uuid NOT NULL,
    view             jsonb NOT NULL,
    status           text NOT NULL,
    last_seq         bigint NOT NULL,
    placed_at        timestamptz NOT NULL,
    -- When the customer could first see the order: placed_at to created_at is the read model's lag.
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX order_views_customer ON tracking.order_views (customer_id, placed_at DESC);

-- Store: the kitchen's own copy of each paid order.
CREATE TABLE store.store_orders (
    order_id    uuid PRIMARY KEY,
    store_id    uuid NOT NULL REFERENCES store.stores,
    status      text NOT NULL,
    lines       jsonb NOT NULL,
    total_krw   bigint NOT NULL,
    accept_by   timestamptz,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX store_orders_store ON store.store_orders (store_id, received_at DESC);

-- Delivery: one delivery per order, open to riders once the food is cooked.
CREATE TABLE delivery.deliveries (
    order_id     uuid PRIMARY KEY,
    store_id     uuid NOT NULL,
    store_name   text NOT NULL,
    status       text NOT NULL CHECK (status IN ('OPEN', 'ASSIGNED', 'PICKED_UP', 'DELIVERED', 'FAILED', 'CANCELLED')),
    pickup_lat   double precision NOT NULL,
    pickup_lng   double precision NOT NULL,
    dropoff_lat  double precision NOT NULL,
    dropoff_lng  double precision NOT NULL,
    rider_id     uuid,
    opened_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deliveries_open ON delivery.deliveries (pickup_lat, pickup_lng) WHERE status = 'OPEN';
-- The one delivery a rider is carrying; claiming locks the rider row and checks it is empty.
ALTER TABLE delivery.riders ADD COLUMN active_order_id uuid;

-- Payment: one payment per order, refunds keyed by order so a refund is never paid twice.
CREATE SCHEMA payment;
CREATE TABLE payment.payments (
    order_id     uuid PRIMARY KEY,
    amount_krw   bigint NOT NULL CHECK (amount_krw >= 0),
    status       text NOT NULL CHECK (status IN ('APPROVED', 'REFUNDED')),
    approved_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    refunded_at  timestamptz
);
CREATE TABLE payment.refunds (
    order_id    uuid PRIMARY KEY REFERENCES payment.payments,
    amount_krw  bigint NOT NULL,
    reason      text NOT NULL,
    refunded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Notification: the in-app inbox, one row per (event, recipient).
CREATE SCHEMA notification;
CREATE TABLE notification.inbox (
    notification_id uuid PRIMARY KEY,
    recipient_id    uuid NOT NULL,
    order_id        uuid NOT NULL,
    event_id        uuid NOT NULL,
    message         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    read_at         timestamptz,
    UNIQUE (event_id, recipient_id)
);
CREATE INDEX inbox_recipient ON notification.inbox (recipient_id, created_at DESC);
