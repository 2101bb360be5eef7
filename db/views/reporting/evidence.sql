-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.evidence AS SELECT * FROM reporting.evidence_at(current_date, now());
COMMENT ON VIEW reporting.evidence IS 'Per programme with milestones: how many are reached of those planned, to set beside the claims: reporting.evidence_at(current_date, now()).';

GRANT SELECT ON reporting.evidence TO ustrack_reader, ustrack_writer;
