-- The log for SQL clients that follow it (DESIGN.md §2, §3): reporting.events has no tx, so a
-- client could only checkpoint a position, which skips an event whose transaction commits
-- after a later position was read. This function returns what EventStore.readAll does: the
-- events of transactions older than every one still running, after a (tx, position) pair,
-- in (tx, position) order. Start from ('0', 0) and pass the last row's tx and position.
-- SECURITY DEFINER, since ustrack_reader may not read store.events. The statement is planned
-- on each call (EXECUTE): a plan cached while the log was small would stay a sequential scan.
CREATE FUNCTION reporting.events_after(after_tx xid8, after_position bigint, max_rows integer)
RETURNS TABLE ("position" bigint, stream text, version bigint, event_id uuid, type text, schema_version integer,
               data jsonb, metadata jsonb, recorded_at timestamptz, tx xid8)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = store, pg_temp
AS $$
BEGIN
    IF after_tx IS NULL OR after_position IS NULL THEN
        RAISE EXCEPTION 'events_after needs a (tx, position) pair: start from (''0'', 0)' USING ERRCODE = '22004';
    END IF;
    IF max_rows IS NULL OR max_rows < 1 THEN
        RAISE EXCEPTION 'max_rows must be a positive number of rows, not %', coalesce(max_rows::text, 'NULL')
            USING ERRCODE = '22023';
    END IF;
    RETURN QUERY EXECUTE '
        SELECT e.position, e.stream, e.version, e.event_id, e.type, e.schema_version, e.data, e.metadata,
               e.recorded_at, e.tx
        FROM store.events e
        WHERE (e.tx, e.position) > ($1, $2)
          AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.position
        LIMIT $3'
        USING after_tx, after_position, max_rows;
END
$$;
COMMENT ON FUNCTION reporting.events_after(xid8, bigint, integer) IS
    'Up to max_rows events after the (tx, position) pair, in (tx, position) order, only of transactions older than every one still running: pass the last row''s tx and position to read on, starting from (''0'', 0); no event that commits later is skipped.';

REVOKE ALL ON FUNCTION reporting.events_after(xid8, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.events_after(xid8, bigint, integer) TO ustrack_reader, ustrack_writer;
