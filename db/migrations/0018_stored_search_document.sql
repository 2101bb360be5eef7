-- Each source's search document stored beside it, computed once when the source is written
-- (functions/projection/set_search_document.sql). The expression index of 0017 made a search
-- compute the document again for every source it matched, to recheck the match and to rank it:
-- about 12 ms for a text of 5,000 words, so a query matching 200 such sources took seconds.
ALTER TABLE projection.sources ADD COLUMN document tsvector;

UPDATE projection.sources SET document = projection.search_document(title, text);

DROP INDEX projection.sources_search;
CREATE INDEX sources_document ON projection.sources USING gin (document);
