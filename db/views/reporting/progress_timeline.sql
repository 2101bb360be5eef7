-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.progress_timeline AS
SELECT t.scope, t.unit, t.date, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive,
       t.disputed, t.claim_lo, t.claim_hi, t.claim_lo_inclusive, t.claim_hi_inclusive, t.claims, t.last_claim
FROM projection.timeline t
WHERE t.known_to IS NULL;
COMMENT ON VIEW reporting.progress_timeline IS 'Per scope and unit, at each date a claim speaks of: the estimate (the latest claim intersected with earlier lower bounds) and that day''s claim.';

GRANT SELECT ON reporting.progress_timeline TO ustrack_reader, ustrack_writer;
