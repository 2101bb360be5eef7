-- programmes_at and portfolios_at in one pass over their inputs. 0010 (as 0007 before it) found
-- each programme's last claim by scanning every scope's status again per programme, and
-- counted each portfolio's programmes by scanning every programme per portfolio: 4 s for 6,000
-- programmes, and `status SCOPE`, which checks that SCOPE exists, paid it on every call.
-- The columns, their meaning and the grants are unchanged.

-- Live programmes and whether each was completed, as of as_of from what was recorded by
-- known_at: one rule for programmes_at and portfolios_at. Not SECURITY DEFINER, so the planner
-- inlines it into them; only their owner can call it.
CREATE FUNCTION projection.programmes_done_at(as_of date, known_at timestamptz)
RETURNS TABLE (id text, portfolio text, completed boolean)
LANGUAGE sql STABLE
AS $$
    SELECT p.id, p.portfolio,
           coalesce(p.completed_on <= programmes_done_at.as_of
                    AND p.completed_recorded_at <= programmes_done_at.known_at
                    AND (p.completed_retracted_at IS NULL OR p.completed_retracted_at > programmes_done_at.known_at),
                    false)
    FROM projection.programmes p
    WHERE p.recorded_at <= programmes_done_at.known_at
      AND (p.retracted_at IS NULL OR p.retracted_at > programmes_done_at.known_at)
$$;
REVOKE ALL ON FUNCTION projection.programmes_done_at(date, timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION reporting.programmes_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (id text, portfolio text, title text, title_ru text, lead text, planned_measures integer, status text,
               completed_on date, measures_lo double precision, measures_hi double precision,
               content_lo double precision, content_hi double precision, disputed boolean,
               last_claim_wording text, last_claim_as_of date, last_claim_speaker text, last_claim_source text,
               milestones_reached bigint, milestones_planned bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH status AS (SELECT * FROM reporting.status_at(programmes_at.as_of, programmes_at.known_at)),
    -- The newest claim of any unit; on a tie, the unit programmes are measured in first.
    last AS (
        SELECT DISTINCT ON (s.scope) s.scope, s.last_claim_wording, s.last_claim_as_of, s.last_claim_speaker,
               s.last_claim_source
        FROM status s ORDER BY s.scope, s.last_claim_as_of DESC, s.unit <> 'measures', s.unit
    )
    SELECT p.id, p.portfolio, p.title, p.title_ru, p.lead, p.planned_measures,
           CASE WHEN done.completed THEN 'completed' ELSE 'in progress' END,
           CASE WHEN done.completed THEN p.completed_on END,
           m.estimate_lo, m.estimate_hi, c.estimate_lo, c.estimate_hi,
           coalesce(m.disputed, false) OR coalesce(c.disputed, false),
           last.last_claim_wording, last.last_claim_as_of, last.last_claim_speaker, last.last_claim_source,
           coalesce(e.milestones_reached, 0), coalesce(e.milestones_planned, 0)
    FROM projection.programmes_done_at(programmes_at.as_of, programmes_at.known_at) done
    JOIN projection.programmes p ON p.id = done.id
    LEFT JOIN status m ON m.scope = p.id AND m.unit = 'measures'
    LEFT JOIN status c ON c.scope = p.id AND c.unit = 'content'
    LEFT JOIN last ON last.scope = p.id
    LEFT JOIN reporting.evidence_at(programmes_at.as_of, programmes_at.known_at) e ON e.scope = p.id
$$;

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
