-- An event id is one event (DESIGN.md §2): given again, it is a duplicate only with the stored
-- stream, type and data (jsonb equality; metadata and schema version are not compared).
-- Anything else raises UT004, naming the id, the stream it is stored in and what differs,
-- with a JSON DETAIL: {"event_id", "stored_stream", "stream", "differs": ["stream", "type",
-- "data"]}. An id twice in one batch is a malformed batch (22023), not events "stored before".
-- The checks run only when the insert meets a stored id or the stream has moved on, so an
-- append of new ids costs what it did. An append that writes nothing (a duplicate) or fails
-- leaves no head for a stream that had none; heads left at version 0 by earlier versions of
-- these functions, with no events, are removed here.
-- (functions/store/append.sql, append_staged.sql)
DELETE FROM store.streams s
WHERE s.version = 0 AND NOT EXISTS (SELECT 1 FROM store.events e WHERE e.stream = s.name);
