-- The estimate at each claim date up to as_of, as it was known at known_at.
CREATE OR REPLACE FUNCTION reporting.progress_timeline_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
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

REVOKE ALL ON FUNCTION reporting.progress_timeline_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.progress_timeline_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
