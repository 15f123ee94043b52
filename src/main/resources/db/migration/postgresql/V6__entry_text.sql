-- The entry's readable text, made once when it is stored (EntryText): composing an issue then
-- only counts words. Null for entries stored before; those are summarised from content_html.
-- (The HSQLDB version also moves entry content out of its LOB store; it is TEXT here.)
ALTER TABLE entry ADD COLUMN summary_text TEXT;
