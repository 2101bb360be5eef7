-- The catalog read in two times, as claims already are: milestones, evidence, programmes and
-- portfolios as described up to an as-of date, from what had been recorded by a known-at time.
-- Before this, `status --as-of 2022-12-31` counted a milestone reached in 2023 as evidence.
--
-- A completion or a reach that is retracted now keeps its row's values with the retraction's
-- time, as every other retracted fact does, so that a known-at before the retraction still sees
-- it. Rows retracted before this migration were cleared and stay so until
-- `ustrack projections rebuild catalog`.

ALTER TABLE projection.programmes
    ADD COLUMN completed_recorded_at  timestamptz,
    ADD COLUMN completed_retracted_at timestamptz;
ALTER TABLE projection.milestones
    ADD COLUMN reached_retracted_at timestamptz;

UPDATE projection.programmes p SET completed_recorded_at = e.recorded_at
FROM store.events e WHERE e.event_id = p.completed_event_id;

-- Milestones of programmes, each as it stood: reached only if reached by as_of and recorded
-- (and not yet retracted) by known_at; overdue against as_of.
CREATE FUNCTION reporting.milestones_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
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

CREATE FUNCTION reporting.evidence_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (scope text, milestones_reached bigint, milestones_planned bigint, reached_percent numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    SELECT m.programme, count(*) FILTER (WHERE m.reached_on IS NOT NULL), count(*),
           round(100.0 * count(*) FILTER (WHERE m.reached_on IS NOT NULL) / count(*), 1)
    FROM reporting.milestones_at(evidence_at.as_of, evidence_at.known_at) m
    GROUP BY m.programme
$$;
COMMENT ON FUNCTION reporting.evidence_at(date, timestamptz) IS 'Per programme with milestones: how many were reached by as_of of those planned, from what was recorded by known_at.';

CREATE FUNCTION reporting.programmes_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (id text, portfolio text, title text, title_ru text, lead text, planned_measures integer, status text,
               completed_on date, measures_lo double precision, measures_hi double precision,
               content_lo double precision, content_hi double precision, disputed boolean,
               last_claim_wording text, last_claim_as_of date, last_claim_speaker text, last_claim_source text,
               milestones_reached bigint, milestones_planned bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH status AS (SELECT * FROM reporting.status_at(programmes_at.as_of, programmes_at.known_at))
    SELECT p.id, p.portfolio, p.title, p.title_ru, p.lead, p.planned_measures,
           CASE WHEN done.completed THEN 'completed' ELSE 'in progress' END,
           CASE WHEN done.completed THEN p.completed_on END,
           m.estimate_lo, m.estimate_hi, c.estimate_lo, c.estimate_hi,
           coalesce(m.disputed, false) OR coalesce(c.disputed, false),
           last.last_claim_wording, last.last_claim_as_of, last.last_claim_speaker, last.last_claim_source,
           coalesce(e.milestones_reached, 0), coalesce(e.milestones_planned, 0)
    FROM projection.programmes p
    CROSS JOIN LATERAL (SELECT coalesce(p.completed_on <= programmes_at.as_of
                                        AND p.completed_recorded_at <= programmes_at.known_at
                                        AND (p.completed_retracted_at IS NULL OR p.completed_retracted_at > programmes_at.known_at),
                                        false) AS completed) done
    LEFT JOIN status m ON m.scope = p.id AND m.unit = 'measures'
    LEFT JOIN status c ON c.scope = p.id AND c.unit = 'content'
    LEFT JOIN LATERAL (
        SELECT s.last_claim_wording, s.last_claim_as_of, s.last_claim_speaker, s.last_claim_source
        FROM status s WHERE s.scope = p.id ORDER BY s.last_claim_as_of DESC LIMIT 1
    ) last ON true
    LEFT JOIN reporting.evidence_at(programmes_at.as_of, programmes_at.known_at) e ON e.scope = p.id
    WHERE p.recorded_at <= programmes_at.known_at
      AND (p.retracted_at IS NULL OR p.retracted_at > programmes_at.known_at)
$$;
COMMENT ON FUNCTION reporting.programmes_at(date, timestamptz) IS 'Every programme as of as_of, from what was recorded by known_at: status, estimate per unit, last claim, milestones.';

CREATE FUNCTION reporting.portfolios_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
RETURNS TABLE (id text, title text, title_ru text, approved_on date, approved_by text, period_start date, period_end date,
               planned_programmes integer, planned_measures integer, plan_revised_on date, programmes bigint,
               programmes_completed bigint, measures_lo double precision, measures_hi double precision,
               programmes_lo double precision, programmes_hi double precision,
               content_lo double precision, content_hi double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = projection, pg_temp
AS $$
    WITH status AS (SELECT * FROM reporting.status_at(portfolios_at.as_of, portfolios_at.known_at)),
    programmes AS (SELECT * FROM reporting.programmes_at(portfolios_at.as_of, portfolios_at.known_at))
    SELECT f.id, f.title, f.title_ru, f.approved_on, f.approved_by, f.period_start, f.period_end,
           coalesce(r.planned_programmes, f.planned_programmes), coalesce(r.planned_measures, f.planned_measures),
           r.revised_on,
           (SELECT count(*) FROM programmes p WHERE p.portfolio = f.id),
           (SELECT count(*) FROM programmes p WHERE p.portfolio = f.id AND p.status = 'completed'),
           m.estimate_lo, m.estimate_hi, g.estimate_lo, g.estimate_hi, c.estimate_lo, c.estimate_hi
    FROM projection.portfolios f
    LEFT JOIN LATERAL (
        SELECT v.planned_programmes, v.planned_measures, v.revised_on FROM projection.plan_revisions v
        WHERE v.portfolio = f.id AND v.revised_on <= portfolios_at.as_of AND v.recorded_at <= portfolios_at.known_at
          AND (v.retracted_at IS NULL OR v.retracted_at > portfolios_at.known_at)
        ORDER BY v.revised_on DESC LIMIT 1
    ) r ON true
    LEFT JOIN status m ON m.scope = f.id AND m.unit = 'measures'
    LEFT JOIN status g ON g.scope = f.id AND g.unit = 'programmes'
    LEFT JOIN status c ON c.scope = f.id AND c.unit = 'content'
    WHERE f.recorded_at <= portfolios_at.known_at
      AND (f.retracted_at IS NULL OR f.retracted_at > portfolios_at.known_at)
$$;
COMMENT ON FUNCTION reporting.portfolios_at(date, timestamptz) IS 'Every portfolio as of as_of, from what was recorded by known_at: its plan then, programme counts and estimate per unit.';

-- The views keep their columns (the contract) and become these functions today, as
-- reporting.status is status_at today.
CREATE OR REPLACE VIEW reporting.milestones AS SELECT * FROM reporting.milestones_at(current_date, now());
COMMENT ON VIEW reporting.milestones IS 'Every live milestone of a programme, reached or not: reporting.milestones_at(current_date, now()).';
CREATE OR REPLACE VIEW reporting.evidence AS SELECT * FROM reporting.evidence_at(current_date, now());
COMMENT ON VIEW reporting.evidence IS 'Per programme with milestones: how many are reached of those planned, to set beside the claims: reporting.evidence_at(current_date, now()).';
CREATE OR REPLACE VIEW reporting.programmes AS SELECT * FROM reporting.programmes_at(current_date, now());
COMMENT ON VIEW reporting.programmes IS 'Every live programme: status, estimate per unit (measures, content), last claim, milestones reached and planned: reporting.programmes_at(current_date, now()).';
CREATE OR REPLACE VIEW reporting.portfolios AS SELECT * FROM reporting.portfolios_at(current_date, now());
COMMENT ON VIEW reporting.portfolios IS 'Every live portfolio with its current plan, programme counts and estimate per unit: reporting.portfolios_at(current_date, now()).';

REVOKE ALL ON FUNCTION reporting.milestones_at(date, timestamptz), reporting.evidence_at(date, timestamptz),
    reporting.programmes_at(date, timestamptz), reporting.portfolios_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.milestones_at(date, timestamptz), reporting.evidence_at(date, timestamptz),
    reporting.programmes_at(date, timestamptz), reporting.portfolios_at(date, timestamptz)
    TO ustrack_reader, ustrack_writer;
