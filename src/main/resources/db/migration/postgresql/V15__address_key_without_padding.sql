-- Nothing to do on PostgreSQL: its text comparisons never pad. The HSQLDB version of this
-- migration compares the address key without padding. Kept so both vendors share one version
-- sequence.
SELECT 1;
