-- Live programmes and whether each was completed, as of as_of from what was recorded by
-- known_at: one rule for programmes_at and portfolios_at. Not SECURITY DEFINER, so the planner
-- inlines it into them; only their owner can call it.
CREATE OR REPLACE FUNCTION projection.programmes_done_at(as_of date, known_at timestamptz)
RETURNS TABLE (id text, portfolio text, completed boolean)
LANGUAGE sql STABLE
AS $$
    SELECT p.id, p.portfolio,
           coalesce(p.completed_on <= programmes_done_at.as_of
                    AND p.completed_recorded_at <= programmes_done_at.known_at
                    AND (p.completed_retracted_at IS NULL OR p.completed_retracted_at > programmes_done_at.known_at),
                    false)
    FROM projection.programmes p
    WHERE p.recorded_at <= programmes_done_at.known_at
      AND (p.retracted_at IS NULL OR p.retracted_at > programmes_done_at.known_at)
$$;
REVOKE ALL ON FUNCTION projection.programmes_done_at(date, timestamptz) FROM PUBLIC;
