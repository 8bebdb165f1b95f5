-- Breach notices hold their delivery address sealed (AES-GCM, as deletion requests hold theirs), from the
-- resolution until the notice is sent, fails for good, or is purged (issue 12, part 6): a database dump or
-- a stray SELECT shows no address. address (plain text) is only read for notices resolved before this
-- migration; nothing writes it any more, and sending, failing or purging a notice clears both columns.
ALTER TABLE breach_notice ADD COLUMN sealed_address bytea;

-- What Himoya's own sweeps look up for breach records (himoya:breach-* rules, OwnRules): incidents by app,
-- status and age.
CREATE INDEX breach_incident_app_status ON breach_incident (app_id, status, registered_at);
