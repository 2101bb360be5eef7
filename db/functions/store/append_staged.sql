-- Moves a batch staged with COPY into the log: each stream continues from its head, which
-- must be at the staged expected_version where one is given (only rows that name one are
-- checked). All or nothing. A staged event whose id the log holds with the same stream, type
-- and data is skipped (it takes no version); anything else refuses the batch. The insert runs
-- in a block of its own so that only a batch that meets a stored id pays for the comparison.
-- A head is the stored version or, when higher, the highest version in the log (`heads`,
-- once per stream). p_settle false leaves the heads in store.streams where they were (locked):
-- a writer that moves many parts in one transaction calls store.settle_heads once at its end,
-- since a head updated once a part keeps every version of its row until the commit, and each
-- later part would step over them all.
-- work_mem: the batch's two sorts (by stream, then by order) stay in memory rather than on disk.
DROP FUNCTION IF EXISTS store.append_staged(uuid);
CREATE OR REPLACE FUNCTION store.append_staged(p_batch uuid, p_settle boolean DEFAULT true) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = store, pg_temp SET work_mem = '64MB'
AS $$
DECLARE
    v_count      bigint;
    v_mismatch   record;
    v_other      record;
    v_constraint text;
    v_differs    text;
    v_skipped    text[];
BEGIN
    INSERT INTO store.streams (name, version)
        SELECT DISTINCT st.stream, 0 FROM store.staged_events st WHERE st.batch = p_batch
        ORDER BY 1
        ON CONFLICT (name) DO NOTHING;
    -- Lock the heads in name order, so two bulk writers cannot deadlock.
    PERFORM 1 FROM store.streams s
        WHERE s.name IN (SELECT st.stream FROM store.staged_events st WHERE st.batch = p_batch)
        ORDER BY s.name FOR UPDATE;

    WITH heads AS MATERIALIZED (
        SELECT h.name, greatest(h.version, coalesce((SELECT max(e.version) FROM store.events e WHERE e.stream = h.name), 0)) AS version
        FROM store.streams h WHERE h.name IN (SELECT b.stream FROM store.staged_events b WHERE b.batch = p_batch))
    SELECT st.stream, s.version AS actual, st.expected_version AS expected INTO v_mismatch
        FROM store.staged_events st JOIN heads s ON s.name = st.stream
        WHERE st.batch = p_batch AND st.expected_version IS NOT NULL AND st.expected_version <> s.version
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'stream % is at version %, expected %', v_mismatch.stream, v_mismatch.actual, v_mismatch.expected
            USING ERRCODE = 'UT001', DETAIL = format('actual_version=%s', v_mismatch.actual);
    END IF;

    BEGIN
        WITH heads AS MATERIALIZED (
            SELECT h.name, greatest(h.version, coalesce((SELECT max(e.version) FROM store.events e WHERE e.stream = h.name), 0)) AS version
            FROM store.streams h WHERE h.name IN (SELECT b.stream FROM store.staged_events b WHERE b.batch = p_batch))
        INSERT INTO store.events (stream, version, event_id, type, schema_version, data, metadata, recorded_at)
            SELECT st.stream, s.version + row_number() OVER (PARTITION BY st.stream ORDER BY st.ord),
                   st.event_id, st.type, st.schema_version, st.data, st.metadata, coalesce(st.recorded_at, now())
            FROM store.staged_events st JOIN heads s ON s.name = st.stream
            WHERE st.batch = p_batch
            ORDER BY st.ord;
        GET DIAGNOSTICS v_count = ROW_COUNT;
    EXCEPTION WHEN unique_violation THEN
        GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
        IF v_constraint IS DISTINCT FROM 'events_event_id_key' THEN
            RAISE;
        END IF;
        SELECT st.event_id INTO v_other FROM store.staged_events st WHERE st.batch = p_batch
            GROUP BY st.event_id HAVING count(*) > 1 ORDER BY min(st.ord) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'event id % appears more than once in this batch', v_other.event_id USING ERRCODE = '22023';
        END IF;
        SELECT e.event_id, e.stream, st.stream AS given,
               array_remove(ARRAY[CASE WHEN e.stream <> st.stream THEN 'stream' END,
                                  CASE WHEN e.type <> st.type THEN 'type' END,
                                  CASE WHEN e.data <> st.data THEN 'data' END], NULL) AS differs
            INTO v_other
            FROM store.staged_events st JOIN store.events e ON e.event_id = st.event_id
            WHERE st.batch = p_batch AND (e.stream <> st.stream OR e.type <> st.type OR e.data <> st.data)
            ORDER BY st.ord LIMIT 1;
        IF FOUND THEN
            -- "stream (b-1), type and data"
            v_differs := regexp_replace(array_to_string(v_other.differs, ', '), ', ([a-z]+)$', ' and \1');
            IF v_other.differs[1] = 'stream' THEN
                v_differs := format('stream (%s)', v_other.given) || substr(v_differs, 7);
            END IF;
            RAISE EXCEPTION 'event id % is stored in stream % as another event: this one has another %',
                v_other.event_id, v_other.stream, v_differs
                USING ERRCODE = 'UT004',
                      DETAIL = jsonb_build_object('event_id', v_other.event_id, 'stored_stream', v_other.stream,
                                                  'stream', v_other.given, 'differs', v_other.differs)::text;
        END IF;
        -- Every stored id is the same event again: skip those, number the others.
        WITH skipped AS (
            DELETE FROM store.staged_events st
            WHERE st.batch = p_batch AND EXISTS (SELECT 1 FROM store.events e WHERE e.event_id = st.event_id)
            RETURNING st.stream)
        SELECT array_agg(DISTINCT stream) INTO v_skipped FROM skipped;
        WITH heads AS MATERIALIZED (
            SELECT h.name, greatest(h.version, coalesce((SELECT max(e.version) FROM store.events e WHERE e.stream = h.name), 0)) AS version
            FROM store.streams h WHERE h.name IN (SELECT b.stream FROM store.staged_events b WHERE b.batch = p_batch))
        INSERT INTO store.events (stream, version, event_id, type, schema_version, data, metadata, recorded_at)
            SELECT st.stream, s.version + row_number() OVER (PARTITION BY st.stream ORDER BY st.ord),
                   st.event_id, st.type, st.schema_version, st.data, st.metadata, coalesce(st.recorded_at, now())
            FROM store.staged_events st JOIN heads s ON s.name = st.stream
            WHERE st.batch = p_batch
            ORDER BY st.ord;
        GET DIAGNOSTICS v_count = ROW_COUNT;
        -- No head left for a stream that this batch created and no longer writes.
        DELETE FROM store.streams s
            WHERE s.name = ANY (v_skipped) AND s.version = 0
              AND NOT EXISTS (SELECT 1 FROM store.staged_events st WHERE st.batch = p_batch AND st.stream = s.name)
              AND NOT EXISTS (SELECT 1 FROM store.events e WHERE e.stream = s.name);
    END;

    IF p_settle THEN
        PERFORM store.settle_heads(ARRAY(SELECT DISTINCT st.stream FROM store.staged_events st WHERE st.batch = p_batch));
    END IF;
    DELETE FROM store.staged_events WHERE batch = p_batch;
    RETURN v_count;
END
$$;

REVOKE ALL ON FUNCTION store.append_staged(uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION store.append_staged(uuid, boolean) TO ustrack_writer;
