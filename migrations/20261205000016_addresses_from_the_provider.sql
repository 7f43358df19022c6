-- A saved address is what the geocoding provider knows at that point (its road or lot-number
-- address in `line`, the lot number beside it, the building's name) plus what only the customer
-- knows: the unit (동/호) and a note for the rider. Addresses saved before keep their typed line.
ALTER TABLE platform.customer_addresses
    ADD COLUMN lot_address text CHECK (length(lot_address) <= 200),
    ADD COLUMN building    text CHECK (length(building) BETWEEN 1 AND 100),
    ADD COLUMN unit        text NOT NULL DEFAULT '' CHECK (length(unit) <= 40),
    ADD COLUMN rider_note  text NOT NULL DEFAULT '' CHECK (length(rider_note) <= 200);

-- The rider reads the customer's note beside the address; the kitchen reads both too (a note
-- may ask for no cutlery or a second bag). Copies made before fill in as their orders move.
ALTER TABLE delivery.deliveries ADD COLUMN rider_note text NOT NULL DEFAULT '';
ALTER TABLE store.store_orders
    ADD COLUMN delivery_address text NOT NULL DEFAULT '',
    ADD COLUMN rider_note       text NOT NULL DEFAULT '';
