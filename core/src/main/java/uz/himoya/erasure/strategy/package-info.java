/**
 * The anonymization strategies a privacy map names for a kept row's columns ({@code null}, {@code redact},
 * {@code keyed-hash}, {@code fixed}, {@code tombstone}, {@code keyed-number}; docs/privacy-map.md): what each
 * does to a value, which columns it fits, and the values it writes (the redaction marker, the keyed-number
 * mask, a tombstone's key). No SQL: each store dialect spells the strategies in its own SQL, in one exhaustive
 * switch over the sealed {@link uz.himoya.erasure.strategy.AnonymizationStrategy}
 * (uz.himoya.store.postgres.PostgresDialect, uz.himoya.store.mysql.MysqlDialect).
 */
package uz.himoya.erasure.strategy;
