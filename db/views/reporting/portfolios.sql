-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.portfolios AS SELECT * FROM reporting.portfolios_at(current_date, now());
COMMENT ON VIEW reporting.portfolios IS 'Every live portfolio with its current plan, programme counts and estimate per unit: reporting.portfolios_at(current_date, now()).';

GRANT SELECT ON reporting.portfolios TO ustrack_reader, ustrack_writer;
