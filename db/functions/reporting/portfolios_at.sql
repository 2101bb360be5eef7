-- Portfolios as of as_of, from what was recorded by known_at; programmes counted in one pass.
CREATE OR REPLACE FUNCTION reporting.portfolios_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (id text, title text, title_ru text, approved_on date, approved_by text, period_start date, period_end date,
               planned_programmes integer, planned_measures integer, plan_revised_on date, programmes bigint,
               programmes_completed bigint, measures_lo double precision, measures_hi double precision,
               programmes_lo double precision, programmes_hi double precision,
               content_lo double precision, content_hi double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH status AS (SELECT * FROM reporting.status_at(portfolios_at.as_of, portfolios_at.known_at)),
    counts AS (
        SELECT d.portfolio, count(*) AS programmes, count(*) FILTER (WHERE d.completed) AS completed
        FROM projection.programmes_done_at(portfolios_at.as_of, portfolios_at.known_at) d
        GROUP BY d.portfolio
    )
    SELECT f.id, f.title, f.title_ru, f.approved_on, f.approved_by, f.period_start, f.period_end,
           coalesce(r.planned_programmes, f.planned_programmes), coalesce(r.planned_measures, f.planned_measures),
           r.revised_on, coalesce(n.programmes, 0), coalesce(n.completed, 0),
           m.estimate_lo, m.estimate_hi, g.estimate_lo, g.estimate_hi, c.estimate_lo, c.estimate_hi
    FROM projection.portfolios f
    LEFT JOIN LATERAL (
        SELECT v.planned_programmes, v.planned_measures, v.revised_on FROM projection.plan_revisions v
        WHERE v.portfolio = f.id AND v.revised_on <= portfolios_at.as_of AND v.recorded_at <= portfolios_at.known_at
          AND (v.retracted_at IS NULL OR v.retracted_at > portfolios_at.known_at)
        ORDER BY v.revised_on DESC LIMIT 1
    ) r ON true
    LEFT JOIN counts n ON n.portfolio = f.id
    LEFT JOIN status m ON m.scope = f.id AND m.unit = 'measures'
    LEFT JOIN status g ON g.scope = f.id AND g.unit = 'programmes'
    LEFT JOIN status c ON c.scope = f.id AND c.unit = 'content'
    WHERE f.recorded_at <= portfolios_at.known_at
      AND (f.retracted_at IS NULL OR f.retracted_at > portfolios_at.known_at)
$$;
COMMENT ON FUNCTION reporting.portfolios_at(date, timestamptz) IS 'Every portfolio as of as_of, from what was recorded by known_at: its plan then, programme counts and estimate per unit.';

REVOKE ALL ON FUNCTION reporting.portfolios_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.portfolios_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
