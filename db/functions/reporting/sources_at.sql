-- Sources as recorded (and not yet retracted) by known_at, each with its claims of claims_at.
CREATE OR REPLACE FUNCTION reporting.sources_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (id text, title text, published_on date, speaker text, publisher text, url text, sha256 text,
               has_text boolean, claims bigint, recorded_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT s.id, s.title, s.published_on, s.speaker, s.publisher, s.url, s.sha256, s.has_text,
           (SELECT count(*) FROM projection.claims c
            WHERE c.source = s.id AND c.as_of <= sources_at.as_of AND c.recorded_at <= sources_at.known_at
              AND (c.retracted_at IS NULL OR c.retracted_at > sources_at.known_at)),
           s.recorded_at
    FROM projection.sources s
    WHERE s.recorded_at <= sources_at.known_at AND (s.retracted_at IS NULL OR s.retracted_at > sources_at.known_at)
$$;
COMMENT ON FUNCTION reporting.sources_at(date, timestamptz) IS 'Every source recorded by known_at, with how many of its claims dated up to as_of stood then.';

REVOKE ALL ON FUNCTION reporting.sources_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.sources_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
