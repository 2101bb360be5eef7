-- Per programme with milestones, how many of them milestones_at counts reached.
CREATE OR REPLACE FUNCTION reporting.evidence_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (scope text, milestones_reached bigint, milestones_planned bigint, reached_percent numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT m.programme, count(*) FILTER (WHERE m.reached_on IS NOT NULL), count(*),
           round(100.0 * count(*) FILTER (WHERE m.reached_on IS NOT NULL) / count(*), 1)
    FROM reporting.milestones_at(evidence_at.as_of, evidence_at.known_at) m
    GROUP BY m.programme
$$;
COMMENT ON FUNCTION reporting.evidence_at(date, timestamptz) IS 'Per programme with milestones: how many were reached by as_of of those planned, from what was recorded by known_at.';

REVOKE ALL ON FUNCTION reporting.evidence_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.evidence_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
