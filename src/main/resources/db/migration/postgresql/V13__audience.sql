-- How many subscribers were in each status (active, pending, unsubscribed, bounced) when an
-- issue went out: written by the weekly digest's finish step, read by the operator page, whose
-- history of the list it is. Counts only, no address. issue_id is not a foreign key, as the
-- rows only ever go with an issue that exists and are only read by issue.
CREATE TABLE audience (
	issue_id    BIGINT NOT NULL,
	status      VARCHAR(20) NOT NULL,
	subscribers INT NOT NULL,
	CONSTRAINT audience_pk PRIMARY KEY (issue_id, status)
);
