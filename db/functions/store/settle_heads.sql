-- Sets each named stream's head in store.streams to the highest version its events have, where
-- that is higher: after store.append_staged(batch, false) moved parts of one transaction into
-- the log. It can only bring a head up to what the log holds, so any writer may call it.
CREATE OR REPLACE FUNCTION store.settle_heads(p_streams text[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = store, pg_temp
AS $$
    UPDATE store.streams s SET version = v.version
    FROM (SELECT n.name, (SELECT max(e.version) FROM store.events e WHERE e.stream = n.name) AS version
          FROM unnest(p_streams) AS n(name)) v
    WHERE s.name = v.name AND v.version > s.version;
$$;

REVOKE ALL ON FUNCTION store.settle_heads(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION store.settle_heads(text[]) TO ustrack_writer;
