/**
 * Himoya's store for apps on MySQL 8 or MariaDB 10.6+: what uz.himoya.store.postgres does for PostgreSQL
 * (and the PostgreSQL catalogue of uz.himoya.catalogue), in MySQL's dialect, behind the store port.
 *
 * <ul>
 * <li>{@link uz.himoya.store.mysql.MysqlCatalogue}: information_schema as a {@link uz.himoya.catalogue.Catalogue}
 * (schema = database), so CatalogueValidator validates and orders a map as for PostgreSQL.</li>
 * <li>{@link uz.himoya.store.mysql.MysqlErasure}: a subject's erasure, one guarded change per table.</li>
 * <li>{@link uz.himoya.store.mysql.MysqlRetention}: retention rules as {@link uz.himoya.store.port.SweepRule}s.</li>
 * <li>{@link uz.himoya.store.mysql.MysqlSubjects}: the subject by key or e-mail.</li>
 * <li>{@link uz.himoya.store.mysql.MysqlAffectedSubjects}: a breach selection's subjects in keyset pages
 * (the uz.himoya.store.port.AffectedSubjects port).</li>
 * <li>MysqlSubjectRows: a subject's rows, found as MysqlErasure finds them (the SubjectRows port).</li>
 * <li>{@link uz.himoya.store.mysql.MysqlLedger}: the himoya_ledger table in the app's database.</li>
 * <li>{@link uz.himoya.store.mysql.MysqlRowGuard}: the count-then-change guard every change goes through.</li>
 * </ul>
 *
 * <p>What the store expects of the app's connection: InnoDB tables; auto-commit off, the caller owning the
 * transaction and rolling it back after any exception (MySQL keeps a transaction's earlier statements when
 * one fails); found rows (Connector/J's default, checked); strict mode (both servers' default), so a value
 * that does not fit a column fails instead of being truncated. Retention columns should be indexed: under
 * REPEATABLE READ a locking scan locks every row it examines until the batch commits.
 */
package uz.himoya.store.mysql;
