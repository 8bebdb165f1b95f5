/**
 * The PostgreSQL store dialect: the ports of {@code uz.himoya.store.port} for an app store that is a
 * PostgreSQL schema. The erasure statements themselves are planned by {@code uz.himoya.erasure}, which
 * predates the ports and speaks PostgreSQL.
 */
package uz.himoya.store.postgres;
