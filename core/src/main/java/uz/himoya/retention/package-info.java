/**
 * Retention sweeps and legal holds (issue 4). Read in this order:
 *
 * <ol>
 * <li>{@link uz.himoya.retention.RetentionSweeper}: a sweep starts or resumes one run per app
 * ({@link uz.himoya.retention.SweepRequests}) and works it within a time budget
 * ({@link uz.himoya.retention.Budget}); short of time it leaves a {@link uz.himoya.retention.Continuation} on
 * the retention queue, which the same function consumes ({@link uz.himoya.retention.ContinuationBatch}).</li>
 * <li>{@link uz.himoya.retention.SweepEngine}: per rule, a claim per (app, rule) in Himoya's database
 * ({@link uz.himoya.retention.RuleClaims}, renewed with every batch, lapsing by itself), then batches. A map rule ({@link uz.himoya.retention.PlannedRule} with a store) runs each batch
 * in the app's store, in one store transaction with a himoya_ledger row ({@link uz.himoya.retention.StoreBatches}:
 * step {@code retention:<rule>:<n>}), then records it in the run record; a resumed run first takes the ledger's
 * batches beyond the run record (reconcile). Himoya's own rules run batch and progress in one transaction of
 * Himoya's database.</li>
 * <li>The rules ({@link uz.himoya.store.port.SweepRule}, the store port): {@link uz.himoya.store.postgres.PostgresSweepRule}
 * (PostgreSQL, compiled by {@link uz.himoya.store.postgres.PostgresRetention}; keyset batches on (retention column,
 * row identity)), uz.himoya.store.mysql.MysqlRetention.Rule (MySQL, MariaDB), picked per store kind
 * by {@link uz.himoya.store.StoreDialects} only (uz.himoya.store.port.StoreDialect#sweep), and {@link uz.himoya.retention.OwnRule}s
 * ({@link uz.himoya.retention.OwnRules}: Himoya's own tables). Every batch is a guarded statement
 * ({@link uz.himoya.db.RowGuard}): it changes exactly the rows it picked, by primary key or (tableoid, ctid),
 * or it rolls back and the rule fails with {@code row-guard}.</li>
 * <li>Exclusions ({@link uz.himoya.retention.Exclusions}): subjects under a legal hold or with an open
 * deletion request. Subjects are stored as HMAC hashes, which SQL cannot compute, so a hold also keeps the
 * subject key sealed (AES-GCM, dropped when lifted) and open requests keep their sealed {id, email}; the few
 * keys to exclude are unsealed per batch (requests resolved in the app's subject store) and bound as values
 * in the store's statement: PostgreSQL {@code NOT COALESCE(<subject key> = ANY(?), false)}, MySQL a
 * {@code NOT IN} list. Himoya's tables and the app's are never joined in one statement.</li>
 * <li>{@link uz.himoya.retention.LegalHolds}: ops place and lift holds; the erasure worker asks
 * {@link uz.himoya.retention.LegalHolds#active} before erasing and, when held, leaves the request QUEUED with
 * a receipt saying HELD and why. A per-app advisory lock orders placing a hold before any later batch or
 * erasure ({@link uz.himoya.holds.HoldStore}).</li>
 * <li>Run records: {@link uz.himoya.retention.RunStore} (V3__retention.sql, V4__row_identity.sql), read by ops
 * through {@link uz.himoya.retention.RetentionRuns}; {@link uz.himoya.retention.RetentionWatch} reports an
 * app whose latest sweep failed in the watchdog's ops digest.</li>
 * </ol>
 */
package uz.himoya.retention;
