-- A log brought back with pg_dump and pg_restore keeps, in store.events.tx, the transaction
-- ids of the cluster it came from. Where those lie ahead of this cluster's counter, a
-- gap-safe reader (tx below the oldest running transaction) does not see the restored
-- events, a new event would be read before them, and a checkpoint carried over would skip
-- every new one. Moving this cluster's counter past them, once, puts them back in order.
--
-- How far the restored ids run ahead of this cluster's counter; NULL when they do not.
-- A committed event's tx is below its snapshot's xmax unless another cluster wrote it.
CREATE OR REPLACE FUNCTION store.restored_transactions_ahead() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (max(tx)::text::numeric - pg_snapshot_xmax(pg_current_snapshot())::text::numeric + 1)::bigint
    FROM store.events
    HAVING max(tx) >= pg_snapshot_xmax(pg_current_snapshot())
$$;

COMMENT ON FUNCTION store.restored_transactions_ahead() IS
    'How many transaction ids the events restored from another cluster run ahead of this one; NULL when none do.';

REVOKE ALL ON FUNCTION store.restored_transactions_ahead() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION store.restored_transactions_ahead() TO ustrack_writer;
