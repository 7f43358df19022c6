-- When the rider's position was last reported: a report that jumps farther than a ride could go
-- since then is refused. NULL for riders who never reported one (any first position is taken).
ALTER TABLE delivery.riders ADD COLUMN position_at timestamptz;
