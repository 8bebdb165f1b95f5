package uz.himoya.store.mysql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import uz.himoya.catalogue.Catalogue;

/**
 * How a subject key (text, as the subject table gave it) is bound against the column it is compared with.
 *
 * <p>PostgreSQL casts the bound text to the column's type and fails on a key that is not one. MySQL
 * instead reads a number off the front of a string compared with a number column, with a warning only:
 * {@code id = '1001 OR 1=1'} finds row 1001. So a key is checked against the column's kind here and bound
 * as a number where the column is one (BIGINT UNSIGNED above a Java long as a decimal); a key that does not
 * fit matches nobody. Text keys compare under the column's collation, as the app's own foreign keys and
 * unique indexes do.
 */
public enum MysqlKey {
    INTEGER(Pattern.compile("-?\\d{1,20}")),
    DECIMAL(Pattern.compile("-?\\d{1,65}(\\.\\d{1,38})?")),
    UUID(Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")),
    TEXT(Pattern.compile("(?s).*"));

    private final Pattern fits;

    MysqlKey(Pattern fits) {
        this.fits = fits;
    }

    /** The kind of a column from its COLUMN_TYPE; empty for kinds a subject key cannot be (binary, dates, ...). */
    public static Optional<MysqlKey> of(Catalogue.Column column) {
        String type = column.sqlType().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < type.length() && Character.isLetter(type.charAt(end))) {
            end++;
        }
        return switch (type.substring(0, end)) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint" -> Optional.of(INTEGER);
            case "decimal", "numeric", "dec", "fixed" -> Optional.of(DECIMAL);
            case "uuid" -> Optional.of(UUID); // MariaDB 10.7+
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" -> Optional.of(TEXT);
            default -> Optional.empty();
        };
    }

    /** The kind, or an error naming the column's type (never a value). */
    static MysqlKey require(Catalogue.Column column, String what) {
        return of(column).orElseThrow(() -> new IllegalArgumentException(what + " " + column.name() + " is "
                + column.sqlType() + ": Himoya matches subject keys of integer, decimal, uuid and text columns"));
    }

    /** Whether the key can be a value of this kind. */
    public boolean fits(String key) {
        return key != null && fits.matcher(key).matches();
    }

    /** Binds a key that {@link #fits}; numbers as numbers, so MySQL compares them exactly. */
    public void bind(PreparedStatement ps, int index, String key) throws SQLException {
        if (!fits(key)) {
            throw new IllegalArgumentException("the subject key does not fit a key column of kind "
                    + name().toLowerCase(Locale.ROOT));
        }
        switch (this) {
            case INTEGER -> {
                BigInteger n = new BigInteger(key);
                if (n.bitLength() < 64) {
                    ps.setLong(index, n.longValueExact());
                } else {
                    ps.setBigDecimal(index, new BigDecimal(n)); // BIGINT UNSIGNED above 2^63 - 1
                }
            }
            case DECIMAL -> ps.setBigDecimal(index, new BigDecimal(key));
            case UUID, TEXT -> ps.setString(index, key);
        }
    }
}
