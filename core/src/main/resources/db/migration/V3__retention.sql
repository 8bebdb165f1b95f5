-- Retention sweeps, legal holds and the deadline watchdog (issue 4). Like V1, no plaintext personal data:
-- a held subject is a keyed hash plus its key sealed with AES-GCM (the sweep must exclude the key in SQL,
-- and HMAC cannot be computed inside PostgreSQL), and the sealed key is dropped when the hold is lifted.

CREATE TABLE legal_hold (
    id               uuid PRIMARY KEY,
    app_id           text NOT NULL,
    subject_key_hash bytea NOT NULL,        -- Secrets.keyedHash(app, "id", subject key): matches deletion_request
    subject_key      bytea,                 -- the subject key, sealed; NULL once the hold is lifted
    reason           text NOT NULL,         -- ops' words: a matter or case reference, never personal data
    placed_at        timestamptz NOT NULL,
    lifted_at        timestamptz,
    lift_reason      text,
    CHECK ((lifted_at IS NULL) = (subject_key IS NOT NULL))
);
CREATE INDEX legal_hold_active ON legal_hold (app_id, subject_key_hash) WHERE lifted_at IS NULL;

-- One sweep of one app. as_of fixes every cut-off date for the run and its continuations, so a run handed
-- on five times ends exactly where one uninterrupted run would.
CREATE TABLE retention_run (
    id            uuid PRIMARY KEY,
    app_id        text NOT NULL,
    trigger       text NOT NULL CHECK (trigger IN ('schedule', 'ops')),
    dry_run       boolean NOT NULL,
    partial       boolean NOT NULL,         -- only some rules were asked for: a full sweep never resumes it
    as_of         timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'ABANDONED')),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    invocations   integer NOT NULL DEFAULT 1,
    continuations integer NOT NULL DEFAULT 0
);
CREATE INDEX retention_run_app ON retention_run (app_id, started_at DESC);

-- What a run did to one rule (a mapped table's retention rule, or one of Himoya's own "himoya:" rules).
-- Progress and cursor are written in the same transaction as the batch they describe.
CREATE TABLE retention_run_rule (
    run_id        uuid NOT NULL REFERENCES retention_run (id) ON DELETE CASCADE,
    rule          text NOT NULL,
    position      integer NOT NULL,
    action        text NOT NULL,
    status        text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'BUSY')),
    rows_affected bigint NOT NULL DEFAULT 0,
    would_affect  bigint,                   -- dry runs only
    skipped_held  bigint NOT NULL DEFAULT 0, -- rows left alone: legal hold or open deletion request
    batches       integer NOT NULL DEFAULT 0,
    duration_ms   bigint NOT NULL DEFAULT 0,
    cursor_value  text,                     -- the last retention-column value done (a date, never data)
    cursor_ctid   text,
    started_at    timestamptz,
    finished_at   timestamptz,
    error         text,                     -- an error code (SQL state), never a message
    PRIMARY KEY (run_id, rule)
);

-- The last deadline digest per recipient (an app id, or 'ops'): an unchanged digest is not re-sent hourly.
CREATE TABLE watchdog_digest (
    recipient   text PRIMARY KEY,
    fingerprint bytea NOT NULL,
    sent_at     timestamptz NOT NULL
);
