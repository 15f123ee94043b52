-- The entry's readable text, made once when it is stored (EntryText), is what an issue
-- summarises; its cleaned HTML is no longer kept (content_html stays for entries stored
-- before, which are summarised from it).
ALTER TABLE entry ADD COLUMN summary_text TEXT;
