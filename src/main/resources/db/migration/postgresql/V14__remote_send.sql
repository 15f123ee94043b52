-- Several hosts (issue #18): the send step's partitions handed to `worker` processes through the
-- same PostgreSQL database, no broker (job.RemoteSendConfig).

-- The channel of partition requests, as Spring Integration's JdbcChannelMessageStore keeps it
-- (the table and sequence of spring-integration-jdbc's schema-postgresql.sql that the store uses):
-- a worker takes a request with one DELETE ... RETURNING over FOR UPDATE SKIP LOCKED, so each
-- request goes to one worker.
CREATE SEQUENCE INT_MESSAGE_SEQ START WITH 1 INCREMENT BY 1 NO CYCLE;

CREATE TABLE INT_CHANNEL_MESSAGE (
	MESSAGE_ID CHAR(36) NOT NULL,
	GROUP_KEY CHAR(36) NOT NULL,
	CREATED_DATE BIGINT NOT NULL,
	MESSAGE_PRIORITY BIGINT,
	MESSAGE_SEQUENCE BIGINT NOT NULL DEFAULT nextval('INT_MESSAGE_SEQ'),
	MESSAGE_CONTENT BYTEA,
	REGION VARCHAR(100) NOT NULL,
	CONSTRAINT INT_CHANNEL_MESSAGE_PK PRIMARY KEY (REGION, GROUP_KEY, CREATED_DATE, MESSAGE_SEQUENCE)
);

CREATE INDEX INT_CHANNEL_MSG_DELETE_IDX ON INT_CHANNEL_MESSAGE (REGION, GROUP_KEY, MESSAGE_ID);

-- The live workers: each renews beat_at every 10 s; one whose beat is older than 60 s (or, on
-- the same host, whose process has ended) is dead.
CREATE TABLE send_worker (
	worker_id VARCHAR(300) NOT NULL PRIMARY KEY,
	host VARCHAR(255) NOT NULL,
	pid BIGINT NOT NULL,
	connections INT NOT NULL,
	started_at BIGINT NOT NULL,
	beat_at BIGINT NOT NULL
);

-- Who sends each partition step execution: the primary key lets one process claim it (a worker,
-- or the manager when it gives it up as failed), so two workers never send the same partition;
-- ended_at is set when the worker lets go of it. Kept as the record of which worker sent what.
CREATE TABLE send_partition (
	step_execution_id BIGINT NOT NULL PRIMARY KEY,
	job_instance_id BIGINT NOT NULL,
	step_name VARCHAR(100) NOT NULL,
	worker_id VARCHAR(300) NOT NULL,
	claimed_at BIGINT NOT NULL,
	ended_at BIGINT
);

CREATE INDEX send_partition_instance ON send_partition (job_instance_id, ended_at);
