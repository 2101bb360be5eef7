-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.programmes AS SELECT * FROM reporting.programmes_at(current_date, now());
COMMENT ON VIEW reporting.programmes IS 'Every live programme: status, estimate per unit (measures, content), last claim, milestones reached and planned: reporting.programmes_at(current_date, now()).';

GRANT SELECT ON reporting.programmes TO ustrack_reader, ustrack_writer;
