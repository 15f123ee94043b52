-- Nothing to do on PostgreSQL, whose planner uses the primary key for the send step's pages
-- without help; the HSQLDB version of this migration drops an index that misled HSQLDB.
-- Kept so both vendors share one version sequence.
SELECT 1;
