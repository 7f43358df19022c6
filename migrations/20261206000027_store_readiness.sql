-- A store goes live only when it has what a customer needs: its owner confirms the delivery terms
-- (a store made from an application starts from the platform's) among the rest. An operator may
-- suspend a store: it leaves the customers' lists and takes no new orders, while the orders under
-- way finish; who suspended it, when and why stay on the row until the suspension is lifted.
ALTER TABLE store.stores
    ADD COLUMN terms_set_at     timestamptz,
    ADD COLUMN suspended_at     timestamptz,
    ADD COLUMN suspended_reason text CHECK (length(suspended_reason) BETWEEN 1 AND 200),
    ADD COLUMN suspended_by     uuid REFERENCES platform.accounts,
    ADD CONSTRAINT store_suspension_has_a_reason
        CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL));
-- Stores that were live before checklists existed had their terms from the start.
UPDATE store.stores SET terms_set_at = created_at WHERE live_since IS NOT NULL;
DROP INDEX store.stores_location;
CREATE INDEX stores_location ON store.stores (lat, lng)
    WHERE live_since IS NOT NULL AND suspended_at IS NULL;
