-- A single event, the commonest append, goes in with INSERT … VALUES: the server then starts
-- no function scan, sort or subquery for it, which took a fifth of the append's time on the
-- server. Batches keep the unnest path. Otherwise as in 0008.
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
