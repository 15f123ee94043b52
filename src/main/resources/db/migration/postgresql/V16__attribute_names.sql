-- The attribute names the subscribers hold, so that an export knows its header (one column per
-- name) without first reading every row for it: that first pass was 40 % of the export of a
-- million subscribers (issue 16). Imports add the names they write. Whatever may take away the
-- last holder of a name (an emptied cell, a forgotten or purged subscriber) marks the list
-- inexact and bumps the version; the next export then reads the names from the rows as before
-- and settles the list, unless the version moved meanwhile. It starts exact (and empty) when no
-- subscriber has an attribute; otherwise the first export fills it from the rows there are.
CREATE TABLE subscriber_attribute_name (
	name     TEXT NOT NULL,
	added_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT subscriber_attribute_name_pk PRIMARY KEY (name)
);

CREATE TABLE subscriber_attribute_names (
	id      INT NOT NULL,
	exact   BOOLEAN NOT NULL,
	version BIGINT NOT NULL,
	CONSTRAINT subscriber_attribute_names_pk PRIMARY KEY (id)
);

INSERT INTO subscriber_attribute_names (id, exact, version)
VALUES (1, CASE WHEN EXISTS (SELECT 1 FROM subscriber WHERE attributes IS NOT NULL) THEN FALSE ELSE TRUE END, 0);
