-- Once an order is delivered or over, its store and its rider keep only the neighbourhood of the
-- customer's address (city and districts, up to the road or lot number) and no rider note, as
-- Korean delivery platforms agreed with the privacy regulator in 2023. The consumers do this for
-- every order from now on (`platform::privacy`); this brings the copies made before them in line.
-- The kitchen is done with a failed delivery; the rider keeps its door, as the operator may send
-- them out again (a retried delivery gets the whole address back from the order's events).
UPDATE store.store_orders
SET delivery_address = regexp_replace(
        delivery_address,
        '^(\S+(\s+[가-힣]\S*(시|군|구|읍|면|동|동[0-9]+가))*)(\s.*)?$', '\1'),
    rider_note = ''
WHERE status IN ('DELIVERED', 'DELIVERY_FAILED', 'COMPLETED', 'REJECTED', 'EXPIRED', 'CANCELLED');

UPDATE delivery.deliveries
SET dropoff_address = regexp_replace(
        dropoff_address,
        '^(\S+(\s+[가-힣]\S*(시|군|구|읍|면|동|동[0-9]+가))*)(\s.*)?$', '\1'),
    rider_note = ''
WHERE status IN ('DELIVERED', 'COMPLETED', 'CANCELLED');
