-- The appends no longer NOTIFY inside their transaction: PostgreSQL holds a database-wide
-- lock from a notifying transaction's commit to its end, which queued every writer's WAL
-- flush behind the others' and halved the throughput of eight writers. EventStore sends the
-- wake-up after the commit instead (Connection.notifyAfterCommit); other SQL writers' events
-- are found by the subscribers' polling. store.append_staged also checks expected versions
-- only on the rows that name one: a bulk load that names none no longer joins every staged
-- row to its stream's head to find nothing. Otherwise as in 0003.
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
    v_seen    integer;
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
        UPDATE store.streams s SET version = s.version + v_count WHERE s.name = p_stream
            RETURNING s.version - v_count INTO v_current;
    END IF;

    IF p_command_id IS NOT NULL THEN
        RETURN QUERY
            SELECT e.event_id, e.version, e.position, true FROM store.events e
            WHERE e.metadata ->> 'command_id' = p_command_id::text ORDER BY e.position;
        IF FOUND THEN
            UPDATE store.streams SET version = v_current WHERE name = p_stream;
            RETURN;
        END IF;
    END IF;

    -- A retry finds the stream moved on: only then look for the event ids first.
    IF p_expected_version IS NOT NULL AND p_expected_version <> v_current THEN
        SELECT count(*) INTO v_seen FROM store.events e WHERE e.event_id = ANY (p_event_ids);
        IF v_seen = v_count THEN
            UPDATE store.streams SET version = v_current WHERE name = p_stream;
            RETURN QUERY
                SELECT e.event_id, e.version, e.position, true FROM store.events e
                WHERE e.event_id = ANY (p_event_ids) ORDER BY e.position;
            RETURN;
        ELSIF v_seen > 0 THEN
            RAISE EXCEPTION '% of the % events in this batch were stored before', v_seen, v_count
                USING ERRCODE = 'UT002';
        END IF;
        RAISE EXCEPTION 'stream % is at version %, expected %', p_stream, v_current, p_expected_version
            USING ERRCODE = 'UT001', DETAIL = format('actual_version=%s', v_current);
    END IF;

    -- Event ids stored before are skipped here, then checked: all of them is a retry.
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
    GET DIAGNOSTICS v_seen = ROW_COUNT;
    IF v_seen = 0 THEN
        UPDATE store.streams SET version = v_current WHERE name = p_stream;
        RETURN QUERY
            SELECT e.event_id, e.version, e.position, true FROM store.events e
            WHERE e.event_id = ANY (p_event_ids) ORDER BY e.position;
        RETURN;
    ELSIF v_seen < v_count THEN
        RAISE EXCEPTION '% of the % events in this batch were stored before', v_count - v_seen, v_count
            USING ERRCODE = 'UT002';
    END IF;
END
$$;

-- Moves a batch staged with COPY into the log: each stream continues from its head, which
-- must be at the staged expected_version where one is given. All or nothing; an event id
-- stored before fails the whole batch (unique violation).
CREATE OR REPLACE FUNCTION store.append_staged(p_batch uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = store, pg_temp
AS $$
DECLARE
    v_count    bigint;
    v_mismatch record;
BEGIN
    INSERT INTO store.streams (name, version)
        SELECT DISTINCT st.stream, 0 FROM store.staged_events st WHERE st.batch = p_batch
        ORDER BY 1
        ON CONFLICT (name) DO NOTHING;
    -- Lock the heads in name order, so two bulk writers cannot deadlock.
    PERFORM 1 FROM store.streams s
        WHERE s.name IN (SELECT st.stream FROM store.staged_events st WHERE st.batch = p_batch)
        ORDER BY s.name FOR UPDATE;

    SELECT st.stream, s.version AS actual, st.expected_version AS expected INTO v_mismatch
        FROM store.staged_events st JOIN store.streams s ON s.name = st.stream
        WHERE st.batch = p_batch AND st.expected_version IS NOT NULL AND st.expected_version <> s.version
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'stream % is at version %, expected %', v_mismatch.stream, v_mismatch.actual, v_mismatch.expected
            USING ERRCODE = 'UT001', DETAIL = format('actual_version=%s', v_mismatch.actual);
    END IF;

    INSERT INTO store.events (stream, version, event_id, type, schema_version, data, metadata, recorded_at)
        SELECT st.stream, s.version + row_number() OVER (PARTITION BY st.stream ORDER BY st.ord),
               st.event_id, st.type, st.schema_version, st.data, st.metadata, coalesce(st.recorded_at, now())
        FROM store.staged_events st JOIN store.streams s ON s.name = st.stream
        WHERE st.batch = p_batch
        ORDER BY st.ord;
    GET DIAGNOSTICS v_count = ROW_COUNT;

    UPDATE store.streams s SET version = s.version + c.n
        FROM (SELECT st.stream, count(*) AS n FROM store.staged_events st
              WHERE st.batch = p_batch GROUP BY st.stream) c
        WHERE s.name = c.stream;
    DELETE FROM store.staged_events WHERE batch = p_batch;
    RETURN v_count;
END
$$;
