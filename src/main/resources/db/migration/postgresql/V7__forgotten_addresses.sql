-- Forgetting a person (subscribers forget) deletes their subscriber row; their delivery rows
-- stay, so an issue's counts still add up, and keep the id of a row that no longer exists
-- (the delivery report shows them as "forgotten"). Ids are never reused: identity columns go on.
ALTER TABLE delivery DROP CONSTRAINT delivery_subscriber_fk;

-- The suppression list: what is kept of a forgotten person is a one-way hash of their
-- normalised address (hex HMAC-SHA-256 keyed with the installation's unsubscribe secret), so
-- an import or sign-up of the same address is refused without the address being kept.
CREATE TABLE forgotten_address (
	address_hash VARCHAR(64) NOT NULL PRIMARY KEY,
	forgotten_at TIMESTAMP WITH TIME ZONE NOT NULL
);
