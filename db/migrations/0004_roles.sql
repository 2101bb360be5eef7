-- Roles are shared by every database of a cluster, so create them only once; a concurrent
-- migration of another database may create them at the same moment.
DO $$
BEGIN
    CREATE ROLE ustrack_writer NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
    CREATE ROLE ustrack_reader NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- The writer appends through the functions only (their files grant it), stages bulk rows,
-- reads the log to catch up, and keeps checkpoints.
GRANT USAGE ON SCHEMA store TO ustrack_writer;
GRANT INSERT ON store.staged_events TO ustrack_writer;
GRANT SELECT ON store.events TO ustrack_writer;
GRANT SELECT, INSERT, UPDATE ON store.checkpoints TO ustrack_writer;
