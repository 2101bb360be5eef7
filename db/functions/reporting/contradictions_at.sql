-- Contradictions found from what was recorded by known_at, between claims dated up to as_of.
CREATE OR REPLACE FUNCTION reporting.contradictions_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (
    scope text, unit text, kind text,
    earlier_claim_id uuid, earlier_wording text, earlier_as_of date, earlier_speaker text, earlier_source text,
    earlier_lo double precision, earlier_hi double precision,
    later_claim_id uuid, later_wording text, later_as_of date, later_speaker text, later_source text,
    later_lo double precision, later_hi double precision
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT x.scope, x.unit, x.kind,
           e.event_id, e.wording, e.as_of, coalesce(e.speaker, es.speaker), e.source, e.lo, e.hi,
           l.event_id, l.wording, l.as_of, coalesce(l.speaker, ls.speaker), l.source, l.lo, l.hi
    FROM projection.contradictions x
    JOIN projection.claims e ON e.event_id = x.earlier
    JOIN projection.claims l ON l.event_id = x.later
    LEFT JOIN projection.sources es ON es.id = e.source
    LEFT JOIN projection.sources ls ON ls.id = l.source
    WHERE x.known_from <= contradictions_at.known_at
      AND (x.known_to IS NULL OR x.known_to > contradictions_at.known_at)
      AND l.as_of <= contradictions_at.as_of
    ORDER BY x.scope, x.unit, l.as_of, e.as_of
$$;

REVOKE ALL ON FUNCTION reporting.contradictions_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.contradictions_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
