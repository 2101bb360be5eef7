-- Claims dated up to as_of, as recorded (and not yet retracted) by known_at; their source as
-- it stood then. Dropped first: its result gained the quote's columns, which CREATE OR REPLACE
-- cannot add.
DROP FUNCTION IF EXISTS reporting.claims_at(date, timestamptz) CASCADE;
CREATE OR REPLACE FUNCTION reporting.claims_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (claim_id uuid, scope text, scope_kind text, unit text, wording text,
               lo double precision, hi double precision, lo_inclusive boolean, hi_inclusive boolean,
               count integer, total integer, as_of date, speaker text, source text, source_title text,
               source_url text, note text, recorded_at timestamptz, "position" bigint,
               quote text, quote_start integer, quote_end integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT c.event_id, c.scope, c.scope_kind, c.unit, c.wording, c.lo, c.hi, c.lo_inclusive, c.hi_inclusive,
           c.count, c.total, c.as_of, coalesce(c.speaker, s.speaker), c.source, s.title, s.url, c.note,
           c.recorded_at, c.position, c.quote, c.quote_start, c.quote_end
    FROM projection.claims c
    LEFT JOIN projection.sources s ON s.id = c.source AND s.recorded_at <= claims_at.known_at
         AND (s.retracted_at IS NULL OR s.retracted_at > claims_at.known_at)
    WHERE c.as_of <= claims_at.as_of AND c.recorded_at <= claims_at.known_at
      AND (c.retracted_at IS NULL OR c.retracted_at > claims_at.known_at)
$$;
COMMENT ON FUNCTION reporting.claims_at(date, timestamptz) IS 'Every claim dated up to as_of, from what was recorded by known_at.';

REVOKE ALL ON FUNCTION reporting.claims_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.claims_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
