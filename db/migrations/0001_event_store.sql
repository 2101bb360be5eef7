-- The append-only event log, the stream heads that serialise appends per stream, and the
-- checkpoints of readers. See DESIGN.md §2.
CREATE SCHEMA store;

CREATE TABLE store.events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream         text NOT NULL CHECK (stream ~ '^[a-z][a-z0-9_]*-.+$'),
    version        bigint NOT NULL CHECK (version >= 1),
    event_id       uuid NOT NULL UNIQUE,
    type           text NOT NULL CHECK (type <> ''),
    schema_version integer NOT NULL DEFAULT 1 CHECK (schema_version >= 1),
    data           jsonb NOT NULL,
    metadata       jsonb NOT NULL DEFAULT '{}',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    -- The writing transaction: readers fence on it so that a late commit is never skipped.
    tx             xid8 NOT NULL DEFAULT pg_current_xact_id(),
    UNIQUE (stream, version)
);

CREATE INDEX events_tx_position ON store.events (tx, position);
CREATE INDEX events_command_id ON store.events ((metadata ->> 'command_id'));

-- One row per stream with its current version. Appends lock it, so two writers of one stream
-- queue here and the loser sees the winner's version before any sequence number is taken.
CREATE TABLE store.streams (
    name    text PRIMARY KEY,
    version bigint NOT NULL CHECK (version >= 0)
);

CREATE TABLE store.checkpoints (
    name       text PRIMARY KEY,
    tx         xid8 NOT NULL,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Rows of a bulk append, written with COPY and moved into store.events by store.append_staged.
-- Unlogged: it only ever holds rows of transactions in flight.
CREATE UNLOGGED TABLE store.staged_events (
    batch          uuid NOT NULL,
    ord            bigint NOT NULL,
    stream         text NOT NULL,
    event_id       uuid NOT NULL,
    type           text NOT NULL,
    schema_version integer NOT NULL DEFAULT 1,
    data           jsonb NOT NULL,
    metadata       jsonb NOT NULL DEFAULT '{}',
    -- The version the writer saw its stream at; NULL appends whatever the version.
    expected_version bigint,
    -- Kept when restoring an export; NULL records now().
    recorded_at    timestamptz
);
CREATE INDEX staged_events_batch ON store.staged_events (batch, ord);
