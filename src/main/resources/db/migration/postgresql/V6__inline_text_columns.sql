-- HSQLDB only (it moves entry content out of its LOB store); entry.content_html is TEXT here.
SELECT 1;
