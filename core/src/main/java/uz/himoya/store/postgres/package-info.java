/**
 * The PostgreSQL store dialect: the ports of {@code uz.himoya.store.port} for an app store that is a
 * PostgreSQL schema. The erasure statements themselves are planned by {@code uz.himoya.erasure}, which
 * predates the ports and speaks PostgreSQL.
 *
 * <ul>
 * <li>{@link uz.himoya.store.postgres.PostgresAffectedSubjects}: a breach selection's subjects in keyset
 * pages.</li>
 * </ul>
 */
package uz.himoya.store.postgres;
