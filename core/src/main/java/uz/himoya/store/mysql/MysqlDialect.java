package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;
import uz.himoya.catalogue.Catalogue;

/**
 * SQL spelling for MySQL 8 and MariaDB 10.6+: identifiers, qualified names, and the anonymization
 * strategies as expressions. Identifiers always come from the catalogue (information_schema), and are
 * always quoted, so a PascalCase table or one whose name holds a backtick is named exactly; values are
 * always bound, never inlined.
 */
public final class MysqlDialect {

    private MysqlDialect() {
    }

    /** `name`, a backtick inside doubled: the only escape MySQL knows inside a quoted identifier. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an identifier MySQL can name");
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    /** `database`.`table`. */
    public static String qualified(String database, String table) {
        return quote(database) + "." + quote(table);
    }

    /** alias.`column`, for a column of a table known by an alias (aliases are Himoya's own, plain words). */
    public static String column(String alias, String column) {
        return alias + "." + quote(column);
    }

    /**
     * The right-hand side of {@code SET column = ...} for a strategy; appends the values it binds. The same
     * meaning as uz.himoya.store.postgres.PostgresDialect#anonymized gives it in PostgreSQL:
     *
     * <ul>
     * <li>null: NULL;</li>
     * <li>redact and fixed: the value bound as it is, and MySQL converts it to the column's type on
     * assignment (in strict mode, the default of both servers, a value that does not fit fails the
     * statement instead of being truncated);</li>
     * <li>keyed-hash: lower-case hex SHA-256 of the key followed by the value, both as UTF-8, which is the
     * byte string PostgreSQL's {@code sha256(convert_to(key || value, 'UTF8'))} hashes, so one subject gets
     * one pseudonym in either store. CONCAT with NULL is NULL, and SHA2(NULL) is NULL: NULL stays NULL.</li>
     * <li>tombstone: the referenced table's tombstone key, bound as it is;</li>
     * <li>keyed-number: the same digest's first 16 hex digits read as an unsigned 64-bit number (CONV works in
     * 64 bits), masked to the column's width less its sign bit and made negative: the number PostgreSQL's
     * expression (PostgresDialect) gives.</li>
     * </ul>
     *
     * @param qualifiedColumn the column as the statement names it, e.g. t.`phone`
     */
    public static String anonymized(String qualifiedColumn, AnonymizationStrategy strategy,
            Catalogue.Column column, String pseudonymKey, List<Object> params) {
        return switch (strategy) {
            case NullStrategy n -> "NULL";
            case RedactStrategy r -> {
                params.add(RedactStrategy.MARKER);
                yield "?";
            }
            case FixedStrategy f -> {
                params.add(f.value());
                yield "?";
            }
            case KeyedHashStrategy k -> {
                params.add(pseudonymKey);
                // Both parts in utf8mb4 whatever the column's character set, so the hashed bytes are UTF-8.
                yield "SHA2(CONCAT(CAST(? AS CHAR CHARACTER SET utf8mb4), CONVERT(" + qualifiedColumn
                        + " USING utf8mb4)), 256)";
            }
            case TombstoneStrategy t -> {
                params.add(t.requireKey());
                yield "?";
            }
            case KeyedNumberStrategy k -> {
                params.add(pseudonymKey);
                // MySQL's & works on unsigned 64-bit numbers; the masked value fits a signed one.
                yield "-1 - CAST(CAST(CONV(SUBSTRING(SHA2(CONCAT(CAST(? AS CHAR CHARACTER SET utf8mb4), CONVERT("
                        + qualifiedColumn + " USING utf8mb4)), 256), 1, 16), 16, 10) AS UNSIGNED) & "
                        + KeyedNumberStrategy.mask(column) + " AS SIGNED)";
            }
        };
    }

    /**
     * Refuses a connection that reports changed rows instead of found rows. The row guard compares the rows
     * a change found with the rows it was meant to reach; MariaDB Connector/J (useAffectedRows=false) and
     * MySQL Connector/J report found rows by default. With useAffectedRows=true, an UPDATE that writes a
     * value equal to the old one (NULL over NULL) would count 0 and every such erasure would be refused.
     */
    public static void requireFoundRows(Connection c) throws SQLException {
        if (c.isWrapperFor(org.mariadb.jdbc.Connection.class)) {
            if (c.unwrap(org.mariadb.jdbc.Connection.class).getContext().getConf().useAffectedRows()) {
                throw new IllegalStateException("the connection reports affected rows (useAffectedRows=true);"
                        + " Himoya's row guard needs found rows, Connector/J's default");
            }
            return;
        }
        String url = c.getMetaData().getURL();
        if (url != null && url.toLowerCase(Locale.ROOT).replace(" ", "").contains("useaffectedrows=true")) {
            throw new IllegalStateException("the connection reports affected rows (useAffectedRows=true);"
                    + " Himoya's row guard needs found rows, Connector/J's default");
        }
    }

    /** Connections to the app's store must not commit each statement: the guard's count and change share one transaction. */
    static void requireTransaction(Connection c) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("auto-commit is on: a guarded change must run in the caller's"
                    + " transaction, so that a refused change can be rolled back");
        }
    }
}
