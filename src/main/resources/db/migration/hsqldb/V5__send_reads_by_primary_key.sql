-- The send step pages through each partition by primary key (id > last id read, id <= the
-- partition's end). With an index on (status, id) HSQLDB chose it for "status = 'active'"
-- and read the partition from its start for every page; without it, every page is a short
-- walk of the primary key. Counting active subscribers scans the table either way.
DROP INDEX subscriber_status_ix;
