-- The reporting schema is the stable contract for SQL clients (DESIGN.md §3); the reader
-- role sees it and nothing else. Views run with their owner's rights, so the reader needs
-- no grant on store.
CREATE SCHEMA reporting;

CREATE VIEW reporting.events AS
SELECT position, stream, version, event_id, type, schema_version, data, metadata, recorded_at
FROM store.events;

COMMENT ON VIEW reporting.events IS 'The raw event log, one row per event, in position order.';

GRANT USAGE ON SCHEMA reporting TO ustrack_reader, ustrack_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ustrack_reader, ustrack_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO ustrack_reader, ustrack_writer;
