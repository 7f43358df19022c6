-- Delivery: riders with their duty status, last known position and range.
CREATE SCHEMA delivery;

CREATE TABLE delivery.riders (
    rider_id   uuid PRIMARY KEY,
    on_duty    boolean NOT NULL DEFAULT false,
    lat        double precision CHECK (lat BETWEEN -90 AND 90),
    lng        double precision CHECK (lng BETWEEN -180 AND 180),
    range_m    integer NOT NULL DEFAULT 3000 CHECK (range_m BETWEEN 100 AND 20000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((lat IS NULL) = (lng IS NULL))
);
