-- Result sets larger than this many rows are kept on disk, not in memory, so streaming a
-- million subscribers (export, delivery report, partition splits) keeps the heap flat.
SET DATABASE DEFAULT RESULT MEMORY ROWS 10000;
-- Plain file access instead of memory-mapping the data file, so the process's resident
-- memory does not grow with the database.
SET FILES NIO FALSE;
