-- Himoya's own tables for the deletion workflow. They hold no plaintext personal data: subjects are
-- keyed hashes; the identifiers a running request still needs are AES-GCM encrypted and purged when
-- the request ends (see uz.himoya.crypto.Secrets).

CREATE TABLE api_key (
    key_hash    bytea PRIMARY KEY,          -- SHA-256 of the bearer key; the key itself is never stored
    app_id      text NOT NULL,
    label       text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE deletion_request (
    id                  uuid PRIMARY KEY,
    app_id              text NOT NULL,
    subject_id_hash     bytea,
    subject_email_hash  bytea,
    subject_ref         bytea,              -- encrypted {"id","email"} until erasure ends
    notify_address      bytea,              -- encrypted address for a mail still to send, then NULL
    locale              text,
    status              text NOT NULL CHECK (status IN ('AWAITING_VERIFICATION', 'QUEUED', 'IN_PROGRESS',
                                                        'COMPLETED', 'CANCELLED', 'EXPIRED', 'FAILED')),
    attested            boolean NOT NULL,
    received_at         timestamptz NOT NULL,
    due_at              timestamptz NOT NULL,
    verified_at         timestamptz,
    started_at          timestamptz,
    completed_at        timestamptz,
    cancelled_at        timestamptz,
    expired_at          timestamptz,
    failed_at           timestamptz,
    token_hash          bytea UNIQUE,
    token_expires_at    timestamptz,
    mail_pending        text CHECK (mail_pending IN ('VERIFICATION', 'CONFIRMATION')),
    lease_until         timestamptz,
    enqueued_at         timestamptz,
    attempts            integer NOT NULL DEFAULT 0,
    last_error          text,               -- an error code, never a message that could carry data
    receipt             jsonb,
    version             bigint NOT NULL DEFAULT 0,
    CHECK (subject_id_hash IS NOT NULL OR subject_email_hash IS NOT NULL)
);
CREATE INDEX deletion_request_app_subject_id ON deletion_request (app_id, subject_id_hash)
    WHERE status IN ('AWAITING_VERIFICATION', 'QUEUED', 'IN_PROGRESS');
CREATE INDEX deletion_request_app_subject_email ON deletion_request (app_id, subject_email_hash)
    WHERE status IN ('AWAITING_VERIFICATION', 'QUEUED', 'IN_PROGRESS');
CREATE INDEX deletion_request_due ON deletion_request (status, due_at);

CREATE TABLE idempotency_record (
    app_id          text NOT NULL,
    idem_key        text NOT NULL,
    fingerprint     bytea NOT NULL,         -- SHA-256 of the request body: a reused key with another body is refused
    response_status integer NOT NULL,
    response_body   text NOT NULL,          -- the answer replayed; it carries ids and dates, no personal data
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (app_id, idem_key)
);

CREATE TABLE intake_rate (
    app_id       text NOT NULL,
    subject_hash bytea NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (app_id, subject_hash)
);

-- What happened to each request, for audit. Event names and codes only.
CREATE TABLE audit_event (
    id          bigserial PRIMARY KEY,
    request_id  uuid NOT NULL,
    at          timestamptz NOT NULL,
    event       text NOT NULL,
    detail      text
);
CREATE INDEX audit_event_request ON audit_event (request_id);
