-- A log brought back with pg_dump and pg_restore keeps, in store.events.tx, the transaction
-- ids of the cluster it came from. Where those lie ahead of this cluster's counter, a
-- gap-safe reader (tx below the oldest running transaction) does not see the restored
-- events, a new event would be read before them, and a checkpoint carried over would skip
-- every new one. Moving this cluster's counter past them, once, puts them back in order.

-- How far the restored ids run ahead of this cluster's counter; NULL when they do not.
-- A committed event's tx is below its snapshot's xmax unless another cluster wrote it.
CREATE FUNCTION store.restored_transactions_ahead() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (max(tx)::text::numeric - pg_snapshot_xmax(pg_current_snapshot())::text::numeric + 1)::bigint
    FROM store.events
    HAVING max(tx) >= pg_snapshot_xmax(pg_current_snapshot())
$$;

COMMENT ON FUNCTION store.restored_transactions_ahead() IS
    'How many transaction ids the events restored from another cluster run ahead of this one; NULL when none do.';

-- Spends transaction ids until this cluster's counter is past every restored event's. Each
-- loop is an empty transaction; not waiting for their WAL flush is safe, since none writes.
CREATE PROCEDURE store.advance_past_restored_transactions()
LANGUAGE plpgsql AS $$
DECLARE
    target xid8 := (SELECT max(tx) FROM store.events);
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    WHILE pg_current_xact_id() <= target LOOP
        COMMIT;
        PERFORM set_config('synchronous_commit', 'off', true);
    END LOOP;
END
$$;

COMMENT ON PROCEDURE store.advance_past_restored_transactions() IS
    'Moves this cluster''s transaction counter past the ids of events restored from another cluster.';

REVOKE ALL ON FUNCTION store.restored_transactions_ahead() FROM PUBLIC;
REVOKE ALL ON PROCEDURE store.advance_past_restored_transactions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION store.restored_transactions_ahead() TO ustrack_writer;
GRANT EXECUTE ON PROCEDURE store.advance_past_restored_transactions() TO ustrack_writer;
