-- Entry content is kept in the entry's row rather than in HSQLDB's separate LOB store: every
-- CLOB value costs LOB-store writes and a file sync of its own, which made storing entries
-- most of the fetch step's database time. The rows stay in the CACHED table's data file, not
-- in memory; a row must fit HSQLDB's data cache, so stored content is bounded (the cleaner
-- keeps 64 Ki characters; older, longer content is cut here first). The issue bodies, one
-- pair per run and megabytes for a big issue, stay CLOBs.
UPDATE entry SET content_html = SUBSTRING(content_html FROM 1 FOR 1048576) WHERE LENGTH(content_html) > 1048576;
ALTER TABLE entry ALTER COLUMN content_html SET DATA TYPE VARCHAR(1048576);

-- The entry's readable text, made once when it is stored (EntryText): composing an issue then
-- only counts words. Null for entries stored before; those are summarised from content_html.
ALTER TABLE entry ADD COLUMN summary_text VARCHAR(16000);
