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
-- Ranked hits among the sources recorded (and not yet retracted) by known_at. The rank is
-- ts_rank_cd's cover density (matches close together, and more of them, rank higher), divided
-- by 1 + the log of the document's length so that a long text does not win by length alone;
-- ts_rank gave a text whose query words lie far apart a rank of about 1e-15. The query is
-- read as a web search (words, "a phrase", or, -word); no words, or stop words only, give no
-- rows. The rank reads the stored document (projection.sources.document), so only the index
-- and the matching rows' documents are read, never their texts. The snippet is taken only for
-- the rows returned, from the 1,000 characters around the first match rather than the whole
-- text (ts_headline parses what it is given: 30 ms for 5,000 words), so max_rows (NULL: all)
-- keeps a search over long texts cheap; matches are marked **like this**, fragments joined
-- with " … ", and the text's line breaks are written as spaces.
CREATE OR REPLACE FUNCTION reporting.search_sources(query text, known_at timestamptz DEFAULT now(),
                                         max_rows integer DEFAULT NULL)
RETURNS TABLE (source text, title text, published_on date, speaker text, publisher text, url text,
               rank real, snippet text, recorded_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH q AS (
        SELECT websearch_to_tsquery('russian', translate(coalesce(search_sources.query, ''), 'Ёё', 'Ее')) AS q,
               ARRAY(SELECT lexeme FROM unnest(to_tsvector('russian', translate(coalesce(search_sources.query, ''), 'Ёё', 'Ее')))) AS lexemes
    ), hits AS (
        SELECT s.id, s.title, s.published_on, s.speaker, s.publisher, s.url, s.text, s.recorded_at,
               ts_rank_cd(s.document, q.q, 1) AS rank
        FROM projection.sources s, q
        WHERE s.document @@ q.q
          AND s.recorded_at <= search_sources.known_at
          AND (s.retracted_at IS NULL OR s.retracted_at > search_sources.known_at)
        ORDER BY rank DESC, s.published_on DESC, s.id
        LIMIT search_sources.max_rows
    ), placed AS (
        -- Where the first match lies, found by its stem in the lower-cased text; 1 when none is
        -- found that way (a stem that is not a prefix of its word), and the snippet then opens
        -- the text.
        SELECT h.*, coalesce((SELECT min(nullif(strpos(t.lowered, l), 0))
                              FROM (SELECT lower(translate(h.text, 'Ёё', 'Ее')) AS lowered) t, q, unnest(q.lexemes) l), 1) AS at
        FROM hits h
    )
    SELECT p.id, p.title, p.published_on, p.speaker, p.publisher, p.url, p.rank,
           regexp_replace(
               ts_headline('russian',
                           translate(coalesce(nullif(substr(p.text, greatest(p.at - 300, 1), 1000), ''), p.title), 'Ёё', 'Ее'), q.q,
                           'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
               '\s+', ' ', 'g'),
           p.recorded_at
    FROM placed p, q
    ORDER BY p.rank DESC, p.published_on DESC, p.id
$$;
COMMENT ON FUNCTION reporting.search_sources(text, timestamptz, integer) IS
    'Sources recorded by known_at whose title or text match query (web search syntax; Russian and English, stemmed, ё as е), best first: rank, and a snippet with the matches marked **like this**. At most max_rows rows (NULL: all).';


REVOKE ALL ON FUNCTION reporting.search_sources(text, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.search_sources(text, timestamptz, integer) TO ustrack_reader, ustrack_writer;
