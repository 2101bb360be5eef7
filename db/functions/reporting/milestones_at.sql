-- Milestones of programmes, each as it stood: reached only if reached by as_of and recorded
-- (and not yet retracted) by known_at; overdue against as_of.
CREATE OR REPLACE FUNCTION reporting.milestones_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (programme text, id text, title text, due date, reached_on date, reached_source text, status text,
               recorded_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT m.programme, m.id, m.title, m.due,
           CASE WHEN r.reached THEN m.reached_on END, CASE WHEN r.reached THEN m.reached_source END,
           CASE WHEN r.reached THEN 'reached' WHEN m.due < milestones_at.as_of THEN 'overdue' ELSE 'planned' END,
           m.recorded_at
    FROM projection.milestones m
    CROSS JOIN LATERAL (SELECT coalesce(m.reached_on <= milestones_at.as_of
                                        AND m.reached_recorded_at <= milestones_at.known_at
                                        AND (m.reached_retracted_at IS NULL OR m.reached_retracted_at > milestones_at.known_at),
                                        false) AS reached) r
    WHERE m.recorded_at <= milestones_at.known_at
      AND (m.retracted_at IS NULL OR m.retracted_at > milestones_at.known_at)
$$;
COMMENT ON FUNCTION reporting.milestones_at(date, timestamptz) IS 'Every milestone as of as_of, from what was recorded by known_at.';

REVOKE ALL ON FUNCTION reporting.milestones_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.milestones_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
