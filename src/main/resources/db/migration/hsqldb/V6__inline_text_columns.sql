-- Entry content is kept in the entry's row rather than in HSQLDB's separate LOB store: every
-- CLOB value costs LOB-store writes and a file sync of its own, which made storing entries
-- most of the fetch step's database time. The rows stay in the CACHED table's data file, not
-- in memory; a row must fit HSQLDB's data cache, so the repository bounds what it stores
-- (FeedRepository.MAX_CONTENT). The issue bodies, one pair per run and megabytes for a big
-- issue, stay CLOBs.
ALTER TABLE entry ALTER COLUMN content_html SET DATA TYPE VARCHAR(1048576);
