package uz.himoya.store.postgres;

import java.util.List;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.db.Identifiers;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;

/**
 * SQL spelling for PostgreSQL: identifiers, and the anonymization strategies as expressions (the MySQL/MariaDB
 * counterpart is uz.himoya.store.mysql.MysqlDialect). Identifiers always come from the catalogue and are always
 * quoted, so a PascalCase table is named exactly; values are always bound, never inlined.
 */
public final class PostgresDialect {

    private PostgresDialect() {
    }

    /** "name", a double quote inside doubled (uz.himoya.db.Identifiers). */
    public static String quote(String identifier) {
        return Identifiers.postgres(identifier);
    }

    /**
     * The right-hand side of {@code SET column = ...} for a strategy; appends the values it binds to params.
     *
     * <ul>
     * <li>null: NULL;</li>
     * <li>redact, fixed and tombstone: the marker, the map's value or the referenced table's tombstone key,
     * bound as text and cast to the column's type, so a value the type cannot hold fails the statement;</li>
     * <li>keyed-hash: lower-case hex SHA-256 of the key followed by the value's text, both as UTF-8 (the byte
     * string MySQL's {@code SHA2(CONCAT(...))} hashes, so one subject gets one pseudonym in either store).
     * {@code ||} with NULL is NULL, and so is sha256(NULL): NULL stays NULL;</li>
     * <li>keyed-number: the same digest's first 16 hex digits as a 64-bit number, masked to the column's width
     * less its sign bit and made negative: the number MySQL's expression gives.</li>
     * </ul>
     *
     * @param quotedColumn the column, validated against the catalogue and quoted
     * @param pseudonymKey Himoya's secret prefix for keyed hashes
     */
    public static String anonymized(String quotedColumn, AnonymizationStrategy strategy, Catalogue.Column column,
            String pseudonymKey, List<Object> params) {
        return switch (strategy) {
            case NullStrategy n -> "NULL";
            case RedactStrategy r -> {
                params.add(RedactStrategy.MARKER);
                yield "CAST(? AS " + column.sqlType() + ")";
            }
            case FixedStrategy f -> {
                params.add(f.value());
                yield "CAST(? AS " + column.sqlType() + ")";
            }
            case KeyedHashStrategy k -> {
                params.add(pseudonymKey);
                yield "encode(" + digest(quotedColumn) + ", 'hex')";
            }
            case TombstoneStrategy t -> {
                params.add(t.requireKey());
                yield "CAST(? AS " + column.sqlType() + ")";
            }
            case KeyedNumberStrategy k -> {
                params.add(pseudonymKey);
                // The first 16 hex digits of keyed-hash's digest as a bigint (a bit string cast, PostgreSQL's way
                // to read hex); the mask drops the sign bit, so the result is the same as MySQL's unsigned
                // CONV(...) & mask.
                String hash = "('x' || substr(encode(" + digest(quotedColumn) + ", 'hex'), 1, 16))::bit(64)::bigint";
                yield "CAST(-1 - (" + hash + " & " + KeyedNumberStrategy.mask(column) + ") AS " + column.sqlType()
                        + ")";
            }
        };
    }

    /** sha256 of the bound key followed by the column's text, both as UTF-8; one placeholder, the key. */
    private static String digest(String quotedColumn) {
        return "sha256(convert_to(CAST(? AS text) || " + quotedColumn + "::text, 'UTF8'))";
    }
}
