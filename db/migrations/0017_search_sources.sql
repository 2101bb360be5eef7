-- Full-text search over the sources' titles and stored texts (DESIGN.md §3, §4 `search`).
--
-- The catalog projection keeps each source's text, which before this only the log held, and a
-- GIN index on one search document per source. The document is built with the `russian`
-- configuration alone: it stems Cyrillic words with the Russian stemmer and Latin words with
-- the English one (`english_stem`, English stop words), so one configuration serves both
-- languages. Adding the `english` configuration would add nothing for Latin words (the same
-- dictionary) and would keep Russian stop words ("и", "в", "на") as lexemes, so that a query of
-- stop words only would match every Russian text. Ё and ё are written as Е and е on both the
-- document and the query, since texts spell the same word both ways. The title weighs more
-- (A) than the text.
--
-- An expression index rather than a stored generated column: `projections rebuild` copies its
-- fresh tables in with `INSERT … SELECT *`, which a generated column refuses, and builds the
-- live table's indexes again after the copy, this one included.

ALTER TABLE projection.sources ADD COLUMN text text;

-- Sources recorded before this migration get their text from the log.
UPDATE projection.sources s SET text = e.data ->> 'text'
FROM store.events e WHERE e.event_id = s.event_id;

-- The search document of a source; the index and reporting.search_sources both use it, so the
-- planner matches the query to the index. It stays here, not in functions/: an index is built
-- on its results, so changing it is a migration that rebuilds the index too. IMMUTABLE: two-argument to_tsvector and translate are.
CREATE FUNCTION projection.search_document(title text, body text)
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT setweight(pg_catalog.to_tsvector('pg_catalog.russian'::pg_catalog.regconfig,
                                            pg_catalog.translate(coalesce(title, ''), 'Ёё', 'Ее')), 'A')
        || setweight(pg_catalog.to_tsvector('pg_catalog.russian'::pg_catalog.regconfig,
                                            pg_catalog.translate(coalesce(body, ''), 'Ёё', 'Ее')), 'B')
$$;
COMMENT ON FUNCTION projection.search_document(text, text) IS
    'The full-text search document of a source: its title (weight A) and text (B), in the russian configuration (Russian and English stemming), with ё written as е.';

CREATE INDEX sources_search ON projection.sources USING gin (projection.search_document(title, text));

-- reporting.search_sources: functions/reporting/search_sources.sql.
