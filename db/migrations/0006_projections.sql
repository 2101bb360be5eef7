-- Projections: tables rebuilt from the log (DESIGN.md §2). Two projectors keep them, each with
-- its checkpoint in store.checkpoints, written in the same transaction as its rows:
--   catalog:  portfolios, plan_revisions, programmes, milestones, sources
--   progress: claims, timeline, contradictions (and the scopes and baselines it needs)
-- Retracted facts stay with their retraction time, so the past can still be asked.
CREATE SCHEMA projection;

CREATE TABLE projection.portfolios (
    id                 text PRIMARY KEY,
    title              text NOT NULL,
    title_ru           text,
    approved_on        date,
    approved_by        text,
    period_start       date,
    period_end         date,
    planned_programmes integer,
    planned_measures   integer,
    event_id           uuid NOT NULL,
    recorded_at        timestamptz NOT NULL,
    retracted_at       timestamptz
);

CREATE TABLE projection.plan_revisions (
    event_id           uuid PRIMARY KEY,
    portfolio          text NOT NULL,
    revised_on         date NOT NULL,
    planned_programmes integer,
    planned_measures   integer,
    source             text,
    recorded_at        timestamptz NOT NULL,
    retracted_at       timestamptz
);

CREATE TABLE projection.programmes (
    id                 text PRIMARY KEY,
    portfolio          text NOT NULL,
    title              text NOT NULL,
    title_ru           text,
    lead               text,
    planned_measures   integer,
    completed_on       date,
    completed_source   text,
    completed_event_id uuid,
    event_id           uuid NOT NULL,
    recorded_at        timestamptz NOT NULL,
    retracted_at       timestamptz
);

CREATE TABLE projection.milestones (
    programme           text NOT NULL,
    id                  text NOT NULL,
    title               text NOT NULL,
    due                 date,
    reached_on          date,
    reached_source      text,
    reached_event_id    uuid,
    reached_recorded_at timestamptz,
    event_id            uuid NOT NULL,
    recorded_at         timestamptz NOT NULL,
    retracted_at        timestamptz,
    PRIMARY KEY (programme, id)
);

CREATE TABLE projection.sources (
    id           text PRIMARY KEY,
    title        text NOT NULL,
    published_on date NOT NULL,
    speaker      text,
    publisher    text,
    url          text,
    sha256       text,
    has_text     boolean NOT NULL,
    event_id     uuid NOT NULL,
    recorded_at  timestamptz NOT NULL,
    retracted_at timestamptz
);

CREATE TABLE projection.claims (
    event_id          uuid PRIMARY KEY,
    scope             text NOT NULL,
    scope_kind        text NOT NULL,
    unit              text NOT NULL,
    wording           text NOT NULL,
    lo                double precision NOT NULL,
    hi                double precision NOT NULL,
    lo_inclusive      boolean NOT NULL,
    hi_inclusive      boolean NOT NULL,
    count             integer,
    total             integer,
    as_of             date NOT NULL,
    source            text NOT NULL,
    speaker           text,
    note              text,
    position          bigint NOT NULL,
    recorded_at       timestamptz NOT NULL,
    retracted_at      timestamptz,
    retraction_reason text
);
CREATE INDEX claims_scope_unit ON projection.claims (scope, unit, as_of);

-- The estimate per scope, unit and claim date, as known from known_from until known_to
-- (NULL: still current). Each claim, retraction or plan revision closes the rows of the
-- groups it touches and writes their new version.
CREATE TABLE projection.timeline (
    scope                 text NOT NULL,
    unit                  text NOT NULL,
    date                  date NOT NULL,
    estimate_lo           double precision NOT NULL,
    estimate_hi           double precision NOT NULL,
    estimate_lo_inclusive boolean NOT NULL,
    estimate_hi_inclusive boolean NOT NULL,
    disputed              boolean NOT NULL,
    claim_lo              double precision NOT NULL,
    claim_hi              double precision NOT NULL,
    claim_lo_inclusive    boolean NOT NULL,
    claim_hi_inclusive    boolean NOT NULL,
    claims                integer NOT NULL,
    last_claim            uuid NOT NULL,
    known_from            timestamptz NOT NULL,
    known_to              timestamptz
);
CREATE INDEX timeline_current ON projection.timeline (scope, unit, date) WHERE known_to IS NULL;

CREATE TABLE projection.contradictions (
    scope      text NOT NULL,
    unit       text NOT NULL,
    kind       text NOT NULL,
    earlier    uuid NOT NULL,
    later      uuid NOT NULL,
    known_from timestamptz NOT NULL,
    known_to   timestamptz
);
CREATE INDEX contradictions_scope ON projection.contradictions (scope, unit) WHERE known_to IS NULL;

-- What the progress projector needs to know of the catalog, kept by itself so that it can be
-- rebuilt alone: which portfolio a scope belongs to, and its plan revisions (baselines).
CREATE TABLE projection.progress_scopes (
    scope     text PRIMARY KEY,
    portfolio text NOT NULL
);
CREATE TABLE projection.progress_baselines (
    event_id     uuid PRIMARY KEY,
    portfolio    text NOT NULL,
    revised_on   date NOT NULL,
    recorded_at  timestamptz NOT NULL,
    retracted_at timestamptz
);

GRANT USAGE ON SCHEMA projection TO ustrack_writer;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA projection TO ustrack_writer;
