-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.events AS
SELECT position, stream, version, event_id, type, schema_version, data, metadata, recorded_at
FROM store.events;

COMMENT ON VIEW reporting.events IS 'The raw event log, one row per event, in position order.';

GRANT SELECT ON reporting.events TO ustrack_reader, ustrack_writer;
