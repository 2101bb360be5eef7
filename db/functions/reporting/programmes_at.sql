-- Programmes as of as_of, from what was recorded by known_at, in one pass over their inputs:
-- each programme's last claim is taken from one scan of every scope's status, not one per programme.
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
COMMENT ON FUNCTION reporting.programmes_at(date, timestamptz) IS 'Every programme as of as_of, from what was recorded by known_at: status, estimate per unit, last claim, milestones.';

REVOKE ALL ON FUNCTION reporting.programmes_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.programmes_at(date, timestamptz) TO ustrack_reader, ustrack_writer;
