-- Once a delivery is over, the rider's copy keeps only the vicinity of the door (two decimals of
-- a degree, about a kilometre), as it keeps only the neighbourhood of the address
-- (`platform::privacy::vicinity`, applied by the delivery consumer from now on).
UPDATE delivery.deliveries
SET dropoff_lat = round(dropoff_lat::numeric, 2)::float8,
    dropoff_lng = round(dropoff_lng::numeric, 2)::float8
WHERE status IN ('DELIVERED', 'COMPLETED', 'CANCELLED');
