-- The reporting schema: stable, documented views for SQL clients (DESIGN.md §3). Column names
-- are a contract: add columns, never rename or remove them.

CREATE VIEW reporting.sources AS
SELECT s.id, s.title, s.published_on, s.speaker, s.publisher, s.url, s.sha256, s.has_text,
       (SELECT count(*) FROM projection.claims c WHERE c.source = s.id AND c.retracted_at IS NULL) AS claims,
       s.recorded_at
FROM projection.sources s
WHERE s.retracted_at IS NULL;
COMMENT ON VIEW reporting.sources IS 'Every live source: a document or statement facts are cited from.';

CREATE VIEW reporting.claims AS
SELECT c.event_id AS claim_id, c.scope, c.scope_kind, c.unit, c.wording,
       c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.count, c.total, c.as_of,
       coalesce(c.speaker, s.speaker) AS speaker, c.source, s.title AS source_title, s.url AS source_url,
       c.note, c.recorded_at
FROM projection.claims c
LEFT JOIN projection.sources s ON s.id = c.source AND s.retracted_at IS NULL
WHERE c.retracted_at IS NULL;
COMMENT ON VIEW reporting.claims IS 'Every live progress claim: the wording as said, the interval of percent it means, its unit and as-of date, who said it and where.';

CREATE VIEW reporting.progress_timeline AS
SELECT t.scope, t.unit, t.date, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive,
       t.disputed, t.claim_lo, t.claim_hi, t.claim_lo_inclusive, t.claim_hi_inclusive, t.claims, t.last_claim
FROM projection.timeline t
WHERE t.known_to IS NULL;
COMMENT ON VIEW reporting.progress_timeline IS 'Per scope and unit, at each date a claim speaks of: the estimate (the latest claim intersected with earlier lower bounds) and that day''s claim.';

CREATE VIEW reporting.milestones AS
SELECT m.programme, m.id, m.title, m.due, m.reached_on, m.reached_source,
       CASE WHEN m.reached_on IS NOT NULL THEN 'reached'
            WHEN m.due < current_date THEN 'overdue' ELSE 'planned' END AS status,
       m.recorded_at
FROM projection.milestones m
WHERE m.retracted_at IS NULL;
COMMENT ON VIEW reporting.milestones IS 'Every live milestone of a programme, reached or not.';

-- Status per scope and unit as described up to as_of, using only what had been recorded by known_at.
CREATE FUNCTION reporting.status_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
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

CREATE VIEW reporting.status AS SELECT * FROM reporting.status_at(current_date, now());
COMMENT ON VIEW reporting.status IS 'The estimate per scope and unit today: reporting.status_at(current_date, now()).';

-- Contradictions found from what was recorded by known_at, between claims dated up to as_of.
CREATE FUNCTION reporting.contradictions_at(as_of date DEFAULT current_date, known_at timestamptz DEFAULT now())
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

CREATE VIEW reporting.contradictions AS SELECT * FROM reporting.contradictions_at(current_date, now());
COMMENT ON VIEW reporting.contradictions IS 'Pairs of claims that cannot both be true: progress going backwards, or same-day claims that do not overlap.';

CREATE VIEW reporting.evidence AS
SELECT m.programme AS scope, count(*) FILTER (WHERE m.reached_on IS NOT NULL) AS milestones_reached,
       count(*) AS milestones_planned,
       round(100.0 * count(*) FILTER (WHERE m.reached_on IS NOT NULL) / count(*), 1) AS reached_percent
FROM projection.milestones m
WHERE m.retracted_at IS NULL
GROUP BY m.programme;
COMMENT ON VIEW reporting.evidence IS 'Per programme with milestones: how many are reached of those planned, to set beside the claims.';

CREATE VIEW reporting.programmes AS
SELECT p.id, p.portfolio, p.title, p.title_ru, p.lead, p.planned_measures,
       CASE WHEN p.completed_on IS NOT NULL THEN 'completed' ELSE 'in progress' END AS status,
       p.completed_on,
       m.estimate_lo AS measures_lo, m.estimate_hi AS measures_hi,
       c.estimate_lo AS content_lo, c.estimate_hi AS content_hi,
       coalesce(m.disputed, false) OR coalesce(c.disputed, false) AS disputed,
       last.last_claim_wording, last.last_claim_as_of, last.last_claim_speaker, last.last_claim_source,
       coalesce(e.milestones_reached, 0) AS milestones_reached, coalesce(e.milestones_planned, 0) AS milestones_planned
FROM projection.programmes p
LEFT JOIN reporting.status m ON m.scope = p.id AND m.unit = 'measures'
LEFT JOIN reporting.status c ON c.scope = p.id AND c.unit = 'content'
LEFT JOIN LATERAL (
    SELECT s.last_claim_wording, s.last_claim_as_of, s.last_claim_speaker, s.last_claim_source
    FROM reporting.status s WHERE s.scope = p.id ORDER BY s.last_claim_as_of DESC LIMIT 1
) last ON true
LEFT JOIN reporting.evidence e ON e.scope = p.id
WHERE p.retracted_at IS NULL;
COMMENT ON VIEW reporting.programmes IS 'Every live programme: status, estimate per unit (measures, content), last claim, milestones reached and planned.';

CREATE VIEW reporting.portfolios AS
SELECT f.id, f.title, f.title_ru, f.approved_on, f.approved_by, f.period_start, f.period_end,
       coalesce(r.planned_programmes, f.planned_programmes) AS planned_programmes,
       coalesce(r.planned_measures, f.planned_measures) AS planned_measures,
       r.revised_on AS plan_revised_on,
       (SELECT count(*) FROM projection.programmes p WHERE p.portfolio = f.id AND p.retracted_at IS NULL) AS programmes,
       (SELECT count(*) FROM projection.programmes p
        WHERE p.portfolio = f.id AND p.retracted_at IS NULL AND p.completed_on IS NOT NULL) AS programmes_completed,
       m.estimate_lo AS measures_lo, m.estimate_hi AS measures_hi,
       g.estimate_lo AS programmes_lo, g.estimate_hi AS programmes_hi,
       c.estimate_lo AS content_lo, c.estimate_hi AS content_hi
FROM projection.portfolios f
LEFT JOIN LATERAL (
    SELECT v.planned_programmes, v.planned_measures, v.revised_on FROM projection.plan_revisions v
    WHERE v.portfolio = f.id AND v.retracted_at IS NULL ORDER BY v.revised_on DESC LIMIT 1
) r ON true
LEFT JOIN reporting.status m ON m.scope = f.id AND m.unit = 'measures'
LEFT JOIN reporting.status g ON g.scope = f.id AND g.unit = 'programmes'
LEFT JOIN reporting.status c ON c.scope = f.id AND c.unit = 'content'
WHERE f.retracted_at IS NULL;
COMMENT ON VIEW reporting.portfolios IS 'Every live portfolio with its current plan, programme counts and estimate per unit.';

GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ustrack_reader, ustrack_writer;
REVOKE ALL ON FUNCTION reporting.status_at(date, timestamptz), reporting.contradictions_at(date, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.status_at(date, timestamptz), reporting.contradictions_at(date, timestamptz)
    TO ustrack_reader, ustrack_writer;
