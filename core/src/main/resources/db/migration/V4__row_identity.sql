-- Issue 9: retention batches picked rows by ctid, which is unique only inside one partition, so a batch on a
-- partitioned table changed the rows at the same address in every partition. Batches now pick and change rows
-- by their identity (primary key, or tableoid and ctid), and the keyset cursor keeps that identity.
--
-- The identity may be a subject's key (a primary key such as users.id), so it is stored sealed with AES-GCM,
-- like a hold's subject key, and only while its rule runs (dropped when the rule finishes).
ALTER TABLE retention_run_rule ADD COLUMN cursor_key bytea;

-- A run still in progress at this migration restarts each rule's walk from the start: its ctid cursor cannot
-- be trusted, and a restart is always safe (rows already swept are gone, or anonymized and skipped).
UPDATE retention_run_rule SET cursor_value = NULL WHERE cursor_ctid IS NOT NULL AND status IN ('PENDING', 'RUNNING');
ALTER TABLE retention_run_rule DROP COLUMN cursor_ctid;
