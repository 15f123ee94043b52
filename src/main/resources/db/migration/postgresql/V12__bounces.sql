-- Bounces read from the bounce mailbox (bounce.BounceCheck), one per delivery: the first report
-- of a delivery's failure is kept, a second one for the same message (a relay's copy, the same
-- report read again after a crash between recording it and marking it read) is a duplicate.
-- The subscriber's status changes by the rule in bounce.BounceRecorder; these rows are what it
-- counts and what `deliveries` shows. Forgetting a person (subscribers forget) deletes their
-- subscriber row and with it their bounces, whose diagnostics quote the address.
CREATE TABLE bounce (
	issue_id       BIGINT NOT NULL,
	subscriber_id  BIGINT NOT NULL,
	kind           VARCHAR(4) NOT NULL,
	status         VARCHAR(16) NOT NULL,
	diagnostic     VARCHAR(1000),
	report_id      VARCHAR(300),
	recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT bounce_pk PRIMARY KEY (issue_id, subscriber_id),
	CONSTRAINT bounce_kind_ck CHECK (kind IN ('hard', 'soft')),
	CONSTRAINT bounce_delivery_fk FOREIGN KEY (issue_id, subscriber_id) REFERENCES delivery (issue_id, subscriber_id),
	CONSTRAINT bounce_subscriber_fk FOREIGN KEY (subscriber_id) REFERENCES subscriber (id) ON DELETE CASCADE
);

-- the cascade from subscriber, and a subscriber's bounces counted in a row
CREATE INDEX bounce_subscriber_ix ON bounce (subscriber_id);
