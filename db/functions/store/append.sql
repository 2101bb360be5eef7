-- store.append: the one way events enter the log.
--   p_expected_version: NULL = any, 0 = the stream must not exist yet, N = exactly version N.
--   A command id or event ids seen before return the original positions, writing nothing.
-- An event id is one event (DESIGN.md §2): given again, it is a duplicate only with the stored
-- stream, type and data (jsonb equality; metadata and schema version are not compared).
-- Anything else raises UT004, naming the id, the stream it is stored in and what differs,
-- with a JSON DETAIL: {"event_id", "stored_stream", "stream", "differs": ["stream", "type",
-- "data"]}. An id twice in one batch is a malformed batch (22023), not events "stored before".
-- The checks run only when the insert meets a stored id or the stream has moved on, so an
-- append of new ids costs nothing more. An append that writes nothing (a duplicate) or fails
-- leaves no head for a stream that had none. A single event, the commonest append, goes in
-- with INSERT … VALUES: no function scan, sort or subquery. No NOTIFY inside the transaction:
-- PostgreSQL holds a database-wide lock from a notifying transaction's commit to its end;
-- EventStore sends the wake-up after the commit (Connection.notifyAfterCommit).
CREATE OR REPLACE FUNCTION store.append(
    p_stream           text,
    p_expected_version bigint,
    p_event_ids        uuid[],
    p_types            text[],
    p_data             jsonb[],
    p_metadata         jsonb[] DEFAULT NULL,
    p_schema_versions  integer[] DEFAULT NULL,
    p_command_id       uuid DEFAULT NULL
) RETURNS TABLE (event_id uuid, version bigint, "position" bigint, duplicate boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = store, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_count   integer := coalesce(cardinality(p_event_ids), 0);
    v_current bigint;
    v_created boolean := false;
    v_seen    integer;
    v_other   record;
    v_differs text;
BEGIN
    IF v_count = 0 THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
    END IF;
    IF cardinality(p_types) IS DISTINCT FROM v_count OR cardinality(p_data) IS DISTINCT FROM v_count THEN
        RAISE EXCEPTION 'event ids, types and data must have the same length' USING ERRCODE = '22023';
    END IF;

    -- Lock and advance the stream's head in one statement; a failed check rolls it back.
    UPDATE store.streams s SET version = s.version + v_count WHERE s.name = p_stream
        RETURNING s.version - v_count INTO v_current;
    IF NOT FOUND THEN
        INSERT INTO store.streams (name, version) VALUES (p_stream, 0) ON CONFLICT (name) DO NOTHING;
        v_created := FOUND;
        UPDATE store.streams s SET version = s.version + v_count WHERE s.name = p_stream
            RETURNING s.version - v_count INTO v_current;
    END IF;

    IF p_command_id IS NOT NULL THEN
        RETURN QUERY
            SELECT e.event_id, e.version, e.position, true FROM store.events e
            WHERE e.metadata ->> 'command_id' = p_command_id::text ORDER BY e.position;
        IF FOUND THEN
            IF v_created THEN
                DELETE FROM store.streams WHERE name = p_stream;
            ELSE
                UPDATE store.streams SET version = v_current WHERE name = p_stream;
            END IF;
            RETURN;
        END IF;
    END IF;

    -- A retry finds the stream moved on: only then look for the event ids first.
    IF p_expected_version IS NOT NULL AND p_expected_version <> v_current THEN
        v_seen := -1;
    ELSE
        -- Event ids stored before are skipped here, then checked: all of them is a retry.
        IF v_count = 1 THEN
            RETURN QUERY
                INSERT INTO store.events AS e (stream, version, event_id, type, schema_version, data, metadata)
                VALUES (p_stream, v_current + 1, p_event_ids[1], p_types[1], coalesce(p_schema_versions[1], 1), p_data[1],
                        CASE WHEN p_command_id IS NULL THEN coalesce(p_metadata[1], '{}')
                             ELSE coalesce(p_metadata[1], '{}') || jsonb_build_object('command_id', p_command_id) END)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING e.event_id, e.version, e.position, false;
        ELSE
            RETURN QUERY
                INSERT INTO store.events AS e (stream, version, event_id, type, schema_version, data, metadata)
                SELECT p_stream, v_current + i.n, i.id, i.type, coalesce(i.schema_version, 1), i.data,
                       CASE WHEN p_command_id IS NULL THEN coalesce(i.metadata, '{}')
                            ELSE coalesce(i.metadata, '{}') || jsonb_build_object('command_id', p_command_id) END
                FROM unnest(p_event_ids, p_types, p_data, p_metadata, p_schema_versions)
                     WITH ORDINALITY AS i(id, type, data, metadata, schema_version, n)
                ORDER BY i.n
                ON CONFLICT (event_id) DO NOTHING
                RETURNING e.event_id, e.version, e.position, false;
        END IF;
        GET DIAGNOSTICS v_seen = ROW_COUNT;
        IF v_seen = v_count THEN
            RETURN;
        END IF;
    END IF;

    -- Some event id is stored, or the stream moved on. An id twice in the batch is an error
    -- of its own; a stored id must be the same event. This statement's own rows are those of
    -- this stream above v_current: the head is locked.
    IF v_count > 1 THEN
        SELECT x.id INTO v_other FROM unnest(p_event_ids) WITH ORDINALITY AS x(id, n)
            GROUP BY x.id HAVING count(*) > 1 ORDER BY min(x.n) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'event id % appears more than once in this batch', v_other.id USING ERRCODE = '22023';
        END IF;
    END IF;
    SELECT e.event_id, e.stream,
           array_remove(ARRAY[CASE WHEN e.stream <> p_stream THEN 'stream' END,
                              CASE WHEN e.type IS DISTINCT FROM i.type THEN 'type' END,
                              CASE WHEN e.data IS DISTINCT FROM i.data THEN 'data' END], NULL) AS differs
        INTO v_other
        FROM unnest(p_event_ids, p_types, p_data) WITH ORDINALITY AS i(id, type, data, n)
        JOIN store.events e ON e.event_id = i.id
        WHERE NOT (e.stream = p_stream AND e.version > v_current)
          AND (e.stream <> p_stream OR e.type IS DISTINCT FROM i.type OR e.data IS DISTINCT FROM i.data)
        ORDER BY i.n LIMIT 1;
    IF FOUND THEN
        -- "stream (b-1), type and data"
        v_differs := regexp_replace(array_to_string(v_other.differs, ', '), ', ([a-z]+)$', ' and \1');
        IF v_other.differs[1] = 'stream' THEN
            v_differs := format('stream (%s)', p_stream) || substr(v_differs, 7);
        END IF;
        RAISE EXCEPTION 'event id % is stored in stream % as another event: this one has another %',
            v_other.event_id, v_other.stream, v_differs
            USING ERRCODE = 'UT004',
                  DETAIL = jsonb_build_object('event_id', v_other.event_id, 'stored_stream', v_other.stream,
                                              'stream', p_stream, 'differs', v_other.differs)::text;
    END IF;

    IF v_seen = -1 THEN
        SELECT count(*) INTO v_seen FROM store.events e WHERE e.event_id = ANY (p_event_ids);
        IF v_seen = 0 THEN
            RAISE EXCEPTION 'stream % is at version %, expected %', p_stream, v_current, p_expected_version
                USING ERRCODE = 'UT001', DETAIL = format('actual_version=%s', v_current);
        END IF;
        v_seen := v_count - v_seen;
    END IF;
    -- v_seen is now how many events of the batch are new.
    IF v_seen = 0 THEN
        IF v_created THEN
            DELETE FROM store.streams WHERE name = p_stream;
        ELSE
            UPDATE store.streams SET version = v_current WHERE name = p_stream;
        END IF;
        RETURN QUERY
            SELECT e.event_id, e.version, e.position, true FROM store.events e
            WHERE e.event_id = ANY (p_event_ids) ORDER BY e.position;
        RETURN;
    END IF;
    RAISE EXCEPTION '% of the % events in this batch were stored before', v_count - v_seen, v_count
        USING ERRCODE = 'UT002';
END
$$;

-- Functions are executable by PUBLIC unless revoked; the writer appends through this one.
REVOKE ALL ON FUNCTION store.append(text, bigint, uuid[], text[], jsonb[], jsonb[], integer[], uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION store.append(text, bigint, uuid[], text[], jsonb[], jsonb[], integer[], uuid) TO ustrack_writer;
