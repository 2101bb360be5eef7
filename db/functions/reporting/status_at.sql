-- Status per scope and unit as described up to as_of, using only what had been recorded by known_at.
CREATE OR REPLACE FUNCTION reporting.status_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (
    scope text, unit text, as_of date,
    estimate_lo double precision, estimate_hi double precision,
    estimate_lo_inclusive boolean, estimate_hi_inclusive boolean, disputed boolean,
    claims integer, last_claim_id uuid, last_claim_wording text, last_claim_as_of date,
    last_claim_speaker text, last_claim_source text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT DISTINCT ON (t.scope, t.unit)
           t.scope, t.unit, t.date, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive,
           t.disputed, t.claims, c.event_id, c.wording, c.as_of, coalesce(c.speaker, s.speaker), c.source
    FROM projection.timeline t
    JOIN projection.claims c ON c.event_id = t.last_claim
    LEFT JOIN projection.sources s ON s.id = c.source
    WHERE t.known_from <= status_at.known_at
      AND (t.known_to IS NULL OR t.known_to > status_at.known_at)
      AND t.date <= status_at.as_of
    ORDER BY t.scope, t.unit, t.date DESC
$$;
COMMENT ON FUNCTION reporting.status_at(date, timestamptz) IS 'The estimate per scope and unit on as_of, from what was recorded by known_at.';

REVOKE ALL ON FUNCTION reporting.status_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.status_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
