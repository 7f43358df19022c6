-- Ordering: the order aggregate and its lines. Orders are never deleted; cancelling is a status.
-- No foreign keys into other contexts: lines keep a snapshot of what was bought and for how much.
CREATE SCHEMA ordering;

CREATE TABLE ordering.orders (
    order_id          uuid PRIMARY KEY,
    customer_id       uuid NOT NULL,
    store_id          uuid NOT NULL,
    status            text NOT NULL CHECK (status IN (
        'PLACED', 'PAYMENT_DEFERRED', 'PAID', 'ACCEPTED', 'COOKING', 'COOKED', 'RIDER_ASSIGNED',
        'PICKED_UP', 'DELIVERED', 'DELIVERY_FAILED', 'COMPLETED', 'REJECTED', 'EXPIRED', 'CANCELLED')),
    -- Optimistic concurrency: every command updates WHERE version = the version it decided on.
    version           integer NOT NULL DEFAULT 0,
    delivery_address  text NOT NULL,
    delivery_lat      double precision NOT NULL,
    delivery_lng      double precision NOT NULL,
    items_total_krw   bigint NOT NULL CHECK (items_total_krw >= 0),
    delivery_fee_krw  bigint NOT NULL CHECK (delivery_fee_krw >= 0),
    total_krw         bigint NOT NULL CHECK (total_krw = items_total_krw + delivery_fee_krw),
    accept_by         timestamptz,
    pay_by            timestamptz,
    prep_minutes      integer,
    ready_by          timestamptz,
    rider_id          uuid,
    cancel_reason     text,
    reject_reason     text,
    failure_reason    text,
    placed_at         timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON ordering.orders (customer_id, placed_at DESC);
CREATE INDEX orders_store ON ordering.orders (store_id, placed_at DESC);
CREATE INDEX orders_status ON ordering.orders (status);

CREATE TABLE ordering.order_lines (
    order_id        uuid NOT NULL REFERENCES ordering.orders,
    line_no         smallint NOT NULL,
    item_id         uuid NOT NULL,
    item_name       text NOT NULL,
    unit_price_krw  bigint NOT NULL CHECK (unit_price_krw >= 0),
    quantity        integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    -- The chosen options as [{"group": …, "name": …, "price_delta_krw": …}].
    options         jsonb NOT NULL DEFAULT '[]',
    line_total_krw  bigint NOT NULL CHECK (line_total_krw >= 0),
    PRIMARY KEY (order_id, line_no)
);
