-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.milestones AS SELECT * FROM reporting.milestones_at(current_date, now());
COMMENT ON VIEW reporting.milestones IS 'Every live milestone of a programme, reached or not: reporting.milestones_at(current_date, now()).';

GRANT SELECT ON reporting.milestones TO ustrack_reader, ustrack_writer;
