-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.status AS SELECT * FROM reporting.status_at(current_date, now());
COMMENT ON VIEW reporting.status IS 'The estimate per scope and unit today: reporting.status_at(current_date, now()).';

GRANT SELECT ON reporting.status TO ustrack_reader, ustrack_writer;
