-- store.append_staged checks expected versions only on the rows that name one: a bulk load
-- that names none (most of them) no longer joins every staged row to its stream's head just
-- to find nothing. Otherwise as in 0008.
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
