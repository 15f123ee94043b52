-- The import that last merged a line into each subscriber, and that line's number. A line
-- whose address the same import already merged is a duplicate of that line: the subscriber
-- row found for the merge says so, and the import no longer writes and looks up a second
-- row per line in subscriber_import_line (measured: that lookup was 55 % of an import's
-- time, issue 16). subscriber_import_line keeps the rejected lines, a dry run's lines and
-- --forget's lines. Written in the chunk's transaction with the merge itself.
ALTER TABLE subscriber ADD COLUMN import_id BIGINT;
ALTER TABLE subscriber ADD COLUMN import_line BIGINT;

-- A dry run and --forget still look their earlier lines up by address key ("import_id = ? AND
-- email_key IN (...)"): HSQLDB uses an index for an IN list only on its first column, and
-- walked all the import's lines per chunk without this one.
CREATE INDEX subscriber_import_line_key_ix ON subscriber_import_line (email_key);
