-- The reporting contract complete for both roles and both times, so that the CLI reads only
-- through it: a login in ustrack_reader (or ustrack_writer) could not run any ustrack command,
-- since neither role may read the migrations table, and `history`, `report` and `chart` read
-- the projection tables, which the reader may not.

-- The schema version, for a role that may not read public.ustrack_schema_migrations.
CREATE FUNCTION reporting.schema_version()
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT max(version) FROM public.ustrack_schema_migrations $$;
COMMENT ON FUNCTION reporting.schema_version() IS 'The version of the schema (the last migration applied).';

-- Where the claim stands in the log, to order claims of one day as they were recorded.
CREATE OR REPLACE VIEW reporting.claims AS
SELECT c.event_id AS claim_id, c.scope, c.scope_kind, c.unit, c.wording,
       c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.count, c.total, c.as_of,
       coalesce(c.speaker, s.speaker) AS speaker, c.source, s.title AS source_title, s.url AS source_url,
       c.note, c.recorded_at, c.position
FROM projection.claims c
LEFT JOIN projection.sources s ON s.id = c.source AND s.retracted_at IS NULL
WHERE c.retracted_at IS NULL;

-- Claims dated up to as_of, as recorded (and not yet retracted) by known_at; their source as
-- it stood then.
CREATE FUNCTION reporting.claims_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (claim_id uuid, scope text, scope_kind text, unit text, wording text,
               lo double precision, hi double precision, lo_inclusive boolean, hi_inclusive boolean,
               count integer, total integer, as_of date, speaker text, source text, source_title text,
               source_url text, note text, recorded_at timestamptz, "position" bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT c.event_id, c.scope, c.scope_kind, c.unit, c.wording, c.lo, c.hi, c.lo_inclusive, c.hi_inclusive,
           c.count, c.total, c.as_of, coalesce(c.speaker, s.speaker), c.source, s.title, s.url, c.note,
           c.recorded_at, c.position
    FROM projection.claims c
    LEFT JOIN projection.sources s ON s.id = c.source AND s.recorded_at <= claims_at.known_at
         AND (s.retracted_at IS NULL OR s.retracted_at > claims_at.known_at)
    WHERE c.as_of <= claims_at.as_of AND c.recorded_at <= claims_at.known_at
      AND (c.retracted_at IS NULL OR c.retracted_at > claims_at.known_at)
$$;
COMMENT ON FUNCTION reporting.claims_at(date, timestamptz) IS 'Every claim dated up to as_of, from what was recorded by known_at.';

-- The estimate at each claim date up to as_of, as it was known at known_at.
CREATE FUNCTION reporting.progress_timeline_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (scope text, unit text, date date, estimate_lo double precision, estimate_hi double precision,
               estimate_lo_inclusive boolean, estimate_hi_inclusive boolean, disputed boolean,
               claim_lo double precision, claim_hi double precision, claim_lo_inclusive boolean,
               claim_hi_inclusive boolean, claims integer, last_claim uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT t.scope, t.unit, t.date, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive,
           t.disputed, t.claim_lo, t.claim_hi, t.claim_lo_inclusive, t.claim_hi_inclusive, t.claims, t.last_claim
    FROM projection.timeline t
    WHERE t.date <= progress_timeline_at.as_of AND t.known_from <= progress_timeline_at.known_at
      AND (t.known_to IS NULL OR t.known_to > progress_timeline_at.known_at)
$$;
COMMENT ON FUNCTION reporting.progress_timeline_at(date, timestamptz) IS 'Per scope and unit, at each claim date up to as_of: the estimate as known at known_at.';

-- Sources as recorded (and not yet retracted) by known_at, each with its claims of claims_at.
CREATE FUNCTION reporting.sources_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
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

REVOKE ALL ON FUNCTION reporting.schema_version(), reporting.claims_at(date, timestamptz),
    reporting.progress_timeline_at(date, timestamptz), reporting.sources_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.schema_version(), reporting.claims_at(date, timestamptz),
    reporting.progress_timeline_at(date, timestamptz), reporting.sources_at(date, timestamptz)
    TO ustrack_reader, ustrack_writer;
GRANT SELECT ON reporting.claims TO ustrack_reader, ustrack_writer;
