-- The reporting schema is the stable contract for SQL clients (DESIGN.md §3); the reader
-- role sees it and nothing else. Views run with their owner's rights, so the reader needs
-- no grant on store. The views and functions are in views/reporting/ and functions/reporting/.
CREATE SCHEMA reporting;

GRANT USAGE ON SCHEMA reporting TO ustrack_reader, ustrack_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ustrack_reader, ustrack_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO ustrack_reader, ustrack_writer;
