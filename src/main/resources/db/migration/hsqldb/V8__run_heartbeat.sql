-- Which process is running a weekly-digest execution, and when it last said so: with the
-- service (serve) and commands beside it, or several hosts on one PostgreSQL database, a run
-- left STARTED is only recovered once its process is known to be gone (job.RunHeartbeat).
CREATE TABLE run_heartbeat (
	job_execution_id BIGINT NOT NULL PRIMARY KEY,
	host VARCHAR(255) NOT NULL,
	pid BIGINT NOT NULL,
	beat_at BIGINT NOT NULL
);
