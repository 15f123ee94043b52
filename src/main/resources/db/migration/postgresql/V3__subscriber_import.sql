-- One row per data line of a subscriber CSV import (import_id = the import job's instance id).
-- Written in the same transaction as the subscriber change it records, so an import killed
-- part-way and run again neither loses nor doubles a line; rows are deleted once the import
-- has been reported.
CREATE TABLE subscriber_import_line (
	import_id   BIGINT NOT NULL,
	line        BIGINT NOT NULL,
	email_key   VARCHAR(320),
	present_key VARCHAR(320),
	outcome     VARCHAR(10) NOT NULL,
	value       VARCHAR(400),
	reason      VARCHAR(400),
	CONSTRAINT subscriber_import_line_pk PRIMARY KEY (import_id, line),
	CONSTRAINT subscriber_import_line_email_uk UNIQUE (import_id, email_key)
);

CREATE INDEX subscriber_import_line_present_ix ON subscriber_import_line (import_id, present_key);
