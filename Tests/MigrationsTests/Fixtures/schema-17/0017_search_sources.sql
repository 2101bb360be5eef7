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
-- planner matches the query to the index. IMMUTABLE: two-argument to_tsvector and translate are.
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

-- Ranked hits among the sources recorded (and not yet retracted) by known_at. The rank is
-- ts_rank_cd's cover density (matches close together, and more of them, rank higher), divided
-- by 1 + the log of the document's length so that a long text does not win by length alone;
-- ts_rank gave a text whose query words lie far apart a rank of about 1e-15. The query is
-- read as a web search (words, "a phrase", or, -word); no words, or stop words only, give no
-- rows. The snippet is taken only for the rows returned, so max_rows (NULL: all) keeps a
-- search over long texts cheap; matches are marked **like this**, fragments joined with " … ",
-- and the text's line breaks are written as spaces.
CREATE FUNCTION reporting.search_sources(query text, known_at timestamptz DEFAULT now(),
                                         max_rows integer DEFAULT NULL)
RETURNS TABLE (source text, title text, published_on date, speaker text, publisher text, url text,
               rank real, snippet text, recorded_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH q AS (
        SELECT websearch_to_tsquery('russian', translate(coalesce(search_sources.query, ''), 'Ёё', 'Ее')) AS q
    ), hits AS (
        SELECT s.id, s.title, s.published_on, s.speaker, s.publisher, s.url, s.text, s.recorded_at,
               ts_rank_cd(projection.search_document(s.title, s.text), q.q, 1) AS rank
        FROM projection.sources s, q
        WHERE projection.search_document(s.title, s.text) @@ q.q
          AND s.recorded_at <= search_sources.known_at
          AND (s.retracted_at IS NULL OR s.retracted_at > search_sources.known_at)
        ORDER BY rank DESC, s.published_on DESC, s.id
        LIMIT search_sources.max_rows
    )
    SELECT h.id, h.title, h.published_on, h.speaker, h.publisher, h.url, h.rank,
           regexp_replace(
               ts_headline('russian', translate(coalesce(nullif(h.text, ''), h.title), 'Ёё', 'Ее'), q.q,
                           'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
               '\s+', ' ', 'g'),
           h.recorded_at
    FROM hits h, q
    ORDER BY h.rank DESC, h.published_on DESC, h.id
$$;
COMMENT ON FUNCTION reporting.search_sources(text, timestamptz, integer) IS
    'Sources recorded by known_at whose title or text match query (web search syntax; Russian and English, stemmed, ё as е), best first: rank, and a snippet with the matches marked **like this**. At most max_rows rows (NULL: all).';

REVOKE ALL ON FUNCTION reporting.search_sources(text, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.search_sources(text, timestamptz, integer) TO ustrack_reader, ustrack_writer;
