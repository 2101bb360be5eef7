-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.contradictions AS SELECT * FROM reporting.contradictions_at(current_date, now());
COMMENT ON VIEW reporting.contradictions IS 'Pairs of claims that cannot both be true: progress going backwards, or same-day claims that do not overlap.';

GRANT SELECT ON reporting.contradictions TO ustrack_reader, ustrack_writer;
