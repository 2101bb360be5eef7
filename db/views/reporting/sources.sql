-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
CREATE OR REPLACE VIEW reporting.sources AS
SELECT s.id, s.title, s.published_on, s.speaker, s.publisher, s.url, s.sha256, s.has_text,
       (SELECT count(*) FROM projection.claims c WHERE c.source = s.id AND c.retracted_at IS NULL) AS claims,
       s.recorded_at
FROM projection.sources s
WHERE s.retracted_at IS NULL;
COMMENT ON VIEW reporting.sources IS 'Every live source: a document or statement facts are cited from.';

GRANT SELECT ON reporting.sources TO ustrack_reader, ustrack_writer;
