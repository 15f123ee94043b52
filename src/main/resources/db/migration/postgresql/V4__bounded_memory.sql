-- Nothing to do on PostgreSQL: the HSQLDB version of this migration bounds the memory its
-- result sets and data file take. Kept so both vendors share one version sequence.
SELECT 1;
