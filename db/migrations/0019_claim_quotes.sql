-- A claim may be pinned to the passage of its source's stored text that says it: the passage as
-- the text spells it, and where it lies there, [quote_start, quote_end) in characters from 0
-- (`substr(text, quote_start + 1, quote_end - quote_start)` gives it back). Claims recorded
-- before have none.
ALTER TABLE projection.claims
    ADD COLUMN quote text,
    ADD COLUMN quote_start integer,
    ADD COLUMN quote_end integer;
