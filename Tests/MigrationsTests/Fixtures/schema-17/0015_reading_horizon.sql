-- Honest reads (DESIGN.md §2): how much of the log a reader cannot see now, and why, so that a
-- command can still answer and say so. Gap-safe readers take only events of transactions older
-- than every one still running; events committed by younger transactions wait behind the
-- oldest running one. Projections stand at their checkpoints, which only a catch-up moves (not
-- on a read-only standby, nor for a login in ustrack_reader).
--
-- SECURITY DEFINER: ustrack_reader may read neither store.events nor store.checkpoints, and
-- another login's transaction state is shown only to its owner's peers. The counts run on the
-- index (tx, position) and touch only the events past a fence: when nothing lags, as after most
-- commands, each is one index probe; pg_stat_activity is server memory, not a table.
-- Planned on each call (EXECUTE), for the reason reporting.events_after is.
CREATE FUNCTION reporting.reading_horizon()
RETURNS TABLE (log_position bigint, hidden_events bigint,
               projection text, projection_position bigint, projection_lag bigint,
               in_recovery boolean,
               holder_pid integer, holder_user text, holder_application text, holder_state text,
               holder_database text, holder_since timestamptz, holder_seconds double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = store, pg_temp
AS $$
DECLARE
    fence xid8 := pg_snapshot_xmin(pg_current_snapshot());
    behind record;
BEGIN
    in_recovery := pg_is_in_recovery();
    EXECUTE 'SELECT max(e.position) FROM store.events e' INTO log_position;
    log_position := coalesce(log_position, 0);
    -- Committed, but by a transaction at or above the oldest one still running.
    EXECUTE 'SELECT count(*) FROM store.events e WHERE e.tx >= $1' INTO hidden_events USING fence;
    -- The projection furthest behind; none saved yet stands at the start.
    SELECT c.name, c.tx, c.position INTO behind
    FROM store.checkpoints c WHERE c.name LIKE 'projection.%'
    ORDER BY c.tx, c.position LIMIT 1;
    projection := substr(behind.name, length('projection.') + 1);
    projection_position := coalesce(behind.position, 0);
    -- What it has yet to apply of what it may read now.
    EXECUTE 'SELECT count(*) FROM store.events e WHERE (e.tx, e.position) > ($1, $2) AND e.tx < $3'
        INTO projection_lag USING coalesce(behind.tx, '0'::xid8), projection_position, fence;
    -- The oldest transaction with an id, in any database of the cluster: its id is the fence.
    -- A standby shows none of the primary's; a prepared transaction has no session.
    SELECT a.pid, a.usename::text, a.application_name, a.state, a.datname::text, a.xact_start,
           extract(epoch FROM now() - a.xact_start)::float8
    INTO holder_pid, holder_user, holder_application, holder_state, holder_database, holder_since, holder_seconds
    FROM pg_stat_activity a
    WHERE a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
    ORDER BY age(a.backend_xid) DESC, a.xact_start
    LIMIT 1;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION reporting.reading_horizon() IS
    'What a reader cannot see now: the highest position in the log; hidden_events, committed but behind a transaction still open; holder_*, the oldest open transaction that holds readers back (its session, and how long it has been open); the projection furthest behind, the position it stands at and projection_lag, the events it may read but has not applied; in_recovery, true on a read-only standby.';

REVOKE ALL ON FUNCTION reporting.reading_horizon() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.reading_horizon() TO ustrack_reader, ustrack_writer;
