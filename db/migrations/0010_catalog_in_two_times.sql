-- The catalog read in two times, as claims already are: milestones, evidence, programmes and
-- portfolios as described up to an as-of date, from what had been recorded by a known-at time.
-- Before this, `status --as-of 2022-12-31` counted a milestone reached in 2023 as evidence.
--
-- A completion or a reach that is retracted now keeps its row's values with the retraction's
-- time, as every other retracted fact does, so that a known-at before the retraction still sees
-- it. Rows retracted before this migration were cleared and stay so until
-- `ustrack projections rebuild catalog`.

ALTER TABLE projection.programmes
    ADD COLUMN completed_recorded_at  timestamptz,
    ADD COLUMN completed_retracted_at timestamptz;
ALTER TABLE projection.milestones
    ADD COLUMN reached_retracted_at timestamptz;

UPDATE projection.programmes p SET completed_recorded_at = e.recorded_at
FROM store.events e WHERE e.event_id = p.completed_event_id;

-- reporting.milestones_at, evidence_at, programmes_at and portfolios_at, and the views that
-- are them today: functions/reporting/ and views/reporting/.
