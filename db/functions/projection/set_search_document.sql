-- Keeps projection.sources.document, the search document reporting.search_sources matches and
-- ranks, equal to projection.search_document(title, text) (migration 0017). A row inserted with
-- a document keeps it: that is the rebuild copying rows whose document was computed already, or
-- a benchmark loading made-up ones.
CREATE OR REPLACE FUNCTION projection.set_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.document IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.document IS NOT NULL
       AND NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.text IS NOT DISTINCT FROM OLD.text THEN
        RETURN NEW;
    END IF;
    NEW.document := projection.search_document(NEW.title, NEW.text);
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER sources_search_document
    BEFORE INSERT OR UPDATE ON projection.sources
    FOR EACH ROW EXECUTE FUNCTION projection.set_search_document();
