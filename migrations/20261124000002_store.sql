-- Store: stores with location, delivery terms and hours; menus with options and sold-out flags.
CREATE SCHEMA store;

CREATE TABLE store.stores (
    store_id          uuid PRIMARY KEY,
    owner_id          uuid NOT NULL REFERENCES platform.accounts,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    category          text NOT NULL,
    description       text NOT NULL DEFAULT '',
    address           text NOT NULL,
    lat               double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng               double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
    -- The store list searches a box sized by the largest radius: keep the two in step.
    delivery_radius_m integer NOT NULL CHECK (delivery_radius_m BETWEEN 100 AND 10000),
    minimum_order_krw bigint NOT NULL CHECK (minimum_order_krw >= 0),
    delivery_fee_krw  bigint NOT NULL CHECK (delivery_fee_krw >= 0),
    prep_minutes      integer NOT NULL CHECK (prep_minutes BETWEEN 5 AND 120),
    -- The owner's open/closed switch; opening hours apply on top of it.
    accepting_orders  boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stores_owner ON store.stores (owner_id);
CREATE INDEX stores_location ON store.stores (lat, lng);

-- Minutes after local (KST) midnight; closes_min < opens_min runs past midnight, 0–1440 is all day.
CREATE TABLE store.opening_hours (
    store_id   uuid NOT NULL REFERENCES store.stores ON DELETE CASCADE,
    weekday    smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_min  smallint NOT NULL CHECK (opens_min BETWEEN 0 AND 1439),
    closes_min smallint NOT NULL CHECK (closes_min BETWEEN 0 AND 1440),
    PRIMARY KEY (store_id, weekday),
    CHECK (opens_min <> closes_min)
);

CREATE TABLE store.menu_items (
    item_id     uuid PRIMARY KEY,
    store_id    uuid NOT NULL REFERENCES store.stores ON DELETE CASCADE,
    category    text NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '',
    price_krw   bigint NOT NULL CHECK (price_krw >= 0),
    sold_out    boolean NOT NULL DEFAULT false,
    position    integer NOT NULL
);
CREATE INDEX menu_items_store ON store.menu_items (store_id, position);

CREATE TABLE store.menu_option_groups (
    group_id   uuid PRIMARY KEY,
    item_id    uuid NOT NULL REFERENCES store.menu_items ON DELETE CASCADE,
    name       text NOT NULL,
    min_select smallint NOT NULL CHECK (min_select >= 0),
    max_select smallint NOT NULL CHECK (max_select >= 1 AND max_select >= min_select),
    position   integer NOT NULL
);
CREATE INDEX menu_option_groups_item ON store.menu_option_groups (item_id, position);

CREATE TABLE store.menu_options (
    option_id       uuid PRIMARY KEY,
    group_id        uuid NOT NULL REFERENCES store.menu_option_groups ON DELETE CASCADE,
    name            text NOT NULL,
    price_delta_krw bigint NOT NULL DEFAULT 0 CHECK (price_delta_krw >= 0),
    sold_out        boolean NOT NULL DEFAULT false,
    position        integer NOT NULL
);
CREATE INDEX menu_options_group ON store.menu_options (group_id, position);
