-- Issue 11: apps keep their data in databases of their own (stores). Himoya's database keeps only its
-- own bookkeeping about them: no personal data.

-- One step per store (and, later, per webhook system) of a deletion request. The store's own ledger row
-- (himoya_ledger, written in the store's transaction) is the truth about what was erased there; this row
-- is Himoya's copy of its counts, written after the store committed. outcome: rows per table as JSON.
CREATE TABLE deletion_step (
    request_id uuid        NOT NULL REFERENCES deletion_request (id) ON DELETE CASCADE,
    part       text        NOT NULL,
    status     text        NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    attempts   integer     NOT NULL DEFAULT 0,
    last_error text,
    outcome    text,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (request_id, part)
);

-- The subject's key in the app's store, sealed (AES-GCM), from the moment the erasure resolved it until
-- the request completes: a retry after the subject's row is gone still knows whose rows to account for.
ALTER TABLE deletion_request ADD COLUMN subject_key bytea;

-- Whether each app store could be reached, as the functions last saw it: what GET /v1/ops/apps and the
-- watchdog's ops digest report. Only transitions are written.
CREATE TABLE app_store_health (
    app_id     text        NOT NULL,
    store      text        NOT NULL,
    reachable  boolean     NOT NULL,
    since      timestamptz NOT NULL,
    last_error text,
    checked_at timestamptz NOT NULL,
    PRIMARY KEY (app_id, store)
);
