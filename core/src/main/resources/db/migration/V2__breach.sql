-- Breach incidents and one notice per affected subject (Deepen 5.5, Qlever 5.4: users are told when
-- their data is lost or disclosed). A notice keeps the address only until it is sent; afterwards only a
-- keyed hash remains as evidence that this address was told.

CREATE TABLE breach_incident (
    id                    uuid PRIMARY KEY,
    app_id                text NOT NULL,
    title                 text NOT NULL,
    discovered_at         timestamptz NOT NULL,
    window_from           timestamptz NOT NULL,
    window_to             timestamptz NOT NULL,
    categories            text NOT NULL,   -- JSON array of data categories
    content               text NOT NULL,   -- JSON: locale -> nature, consequences, measures, contact
    selection             text NOT NULL,   -- JSON: how subjects were chosen (kind, selector); never the ids
    status                text NOT NULL CHECK (status IN ('COLLECTING', 'SENDING', 'COMPLETED')),
    registered_at         timestamptz NOT NULL,
    resolved_at           timestamptz,
    sending_started_at    timestamptz,
    completed_at          timestamptz,
    authority_notified_at timestamptz,
    authority_reference   text,
    total                 integer NOT NULL DEFAULT 0
);

CREATE TABLE breach_notice (
    incident_id  uuid NOT NULL REFERENCES breach_incident (id),
    seq          integer NOT NULL,         -- queue messages name ranges of seq
    subject_hash bytea NOT NULL,           -- one notice per incident and subject
    address      text,                     -- only until sent (or failed for good)
    address_hash bytea NOT NULL,
    locale       text NOT NULL,
    status       text NOT NULL CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED')),
    lease_until  timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,                     -- an error code, never a server message that could quote the address
    sent_at      timestamptz,
    PRIMARY KEY (incident_id, seq),
    UNIQUE (incident_id, subject_hash)
);
CREATE INDEX breach_notice_open ON breach_notice (incident_id, status) WHERE status IN ('PENDING', 'SENDING');
