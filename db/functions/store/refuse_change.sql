-- Nothing in the log is ever edited or removed, whoever asks: a withdrawn fact gets a
-- retraction event instead. Statement-level, so even an UPDATE matching no row is refused.
CREATE OR REPLACE FUNCTION store.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'store.events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'UT003',
              HINT = 'Record a retraction instead: ustrack retract EVENT_ID --reason TEXT';
END
$$;

CREATE OR REPLACE TRIGGER events_refuse_update_delete
    BEFORE UPDATE OR DELETE ON store.events
    FOR EACH STATEMENT EXECUTE FUNCTION store.refuse_change();

CREATE OR REPLACE TRIGGER events_refuse_truncate
    BEFORE TRUNCATE ON store.events
    FOR EACH STATEMENT EXECUTE FUNCTION store.refuse_change();
