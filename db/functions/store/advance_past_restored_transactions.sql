-- Spends transaction ids until this cluster's counter is past every restored event's. Each
-- loop is an empty transaction; not waiting for their WAL flush is safe, since none writes.
CREATE OR REPLACE PROCEDURE store.advance_past_restored_transactions()
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

REVOKE ALL ON PROCEDURE store.advance_past_restored_transactions() FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE store.advance_past_restored_transactions() TO ustrack_writer;
