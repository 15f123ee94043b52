-- The entry's readable text, made once when it is stored (EntryText), is what an issue
-- summarises; its cleaned HTML is no longer kept (content_html stays for entries stored
-- before, which are summarised from it). Storing every entry's HTML, and rewriting it at
-- every fetch, was most of a fetch step's database time: HSQLDB wrote each value to its LOB
-- store, synced it, and logged it.
ALTER TABLE entry ADD COLUMN summary_text VARCHAR(16000);
