-- One command, one transaction holding only the order and its events (issue 17).
--
-- A rider carries one delivery at a time. ClaimDelivery used to lock the rider's row in
-- delivery.riders and mark it there, inside the command's transaction; the order aggregate now
-- says it itself: no two orders on their way with the same rider. A claim that would make a
-- second one fails on this index and is refused ("finish your current delivery first").
CREATE UNIQUE INDEX orders_one_active_delivery_per_rider ON ordering.orders (rider_id)
    WHERE status IN ('RIDER_ASSIGNED', 'PICKED_UP');

-- Nothing reads it any more: which delivery a rider carries is the order's to say.
ALTER TABLE delivery.riders DROP COLUMN active_order_id;
