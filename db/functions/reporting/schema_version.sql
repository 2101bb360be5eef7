-- The schema version, for a role that may not read public.ustrack_schema_migrations.
CREATE OR REPLACE FUNCTION reporting.schema_version()
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT max(version) FROM public.ustrack_schema_migrations $$;
COMMENT ON FUNCTION reporting.schema_version() IS 'The version of the schema (the last migration applied).';

REVOKE ALL ON FUNCTION reporting.schema_version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.schema_version() TO ustrack_reader, ustrack_writer;
