/**
 * The PostgreSQL store dialect: the ports of {@code uz.himoya.store.port} for an app store that is a
 * PostgreSQL schema, and all of its SQL (the MySQL/MariaDB counterparts are in uz.himoya.store.mysql).
 *
 * <ul>
 * <li>{@link uz.himoya.store.postgres.PostgresStoreDialect}: the dialect, as StoreDialects picks it.</li>
 * <li>{@link uz.himoya.store.postgres.PostgresDialect}: identifier quoting, and the anonymization strategies of
 * uz.himoya.erasure.strategy as SQL expressions (one exhaustive switch, as MysqlDialect's for MySQL/MariaDB),
 * which the erasure planner and retention both write with.</li>
 * <li>{@link uz.himoya.store.postgres.PostgresErasurePlanner} turns a map into a
 * {@link uz.himoya.store.postgres.PostgresErasurePlan}, one guarded statement per table, which
 * {@link uz.himoya.store.postgres.PostgresErasureExecutor} runs for one subject.</li>
 * <li>{@link uz.himoya.store.postgres.PostgresRetention} turns a map's retention rules into
 * {@link uz.himoya.store.postgres.PostgresSweepRule}s (keyset batches).</li>
 * <li>{@link uz.himoya.store.postgres.PostgresSubjects}: the subject by key or e-mail.</li>
 * <li>{@link uz.himoya.store.postgres.PostgresAffectedSubjects}: a breach selection's subjects in keyset
 * pages.</li>
 * <li>PostgresSubjectRows: a subject's rows, found as the erasure planner finds them.</li>
 * </ul>
 */
package uz.himoya.store.postgres;
