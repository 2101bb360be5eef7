-- The reporting schema is the contract for SQL clients (DESIGN.md §3): columns may be added
-- (at the end), never renamed or removed.
-- position: where the claim stands in the log, to order claims of one day as they were recorded.
-- quote, quote_start, quote_end: the passage of the source's text that says it, and where it
-- lies there, [quote_start, quote_end) in characters from 0; null for a claim without a quote.
CREATE OR REPLACE VIEW reporting.claims AS
SELECT c.event_id AS claim_id, c.scope, c.scope_kind, c.unit, c.wording,
       c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.count, c.total, c.as_of,
       coalesce(c.speaker, s.speaker) AS speaker, c.source, s.title AS source_title, s.url AS source_url,
       c.note, c.recorded_at, c.position, c.quote, c.quote_start, c.quote_end
FROM projection.claims c
LEFT JOIN projection.sources s ON s.id = c.source AND s.retracted_at IS NULL
WHERE c.retracted_at IS NULL;
COMMENT ON VIEW reporting.claims IS 'Every live progress claim: the wording as said, the interval of percent it means, its unit and as-of date, who said it and where.';

GRANT SELECT ON reporting.claims TO ustrack_reader, ustrack_writer;
