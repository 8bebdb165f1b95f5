package uz.himoya.privacymap;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uz.himoya.catalogue.Catalogue;

/**
 * The columns a retention condition's equals and in may compare, and how a value the map wrote fits one
 * (docs/privacy-map.md, "Retention rules"). Read from the catalogue's spelling of each type, which covers
 * both dialects: PostgreSQL's {@code boolean}, {@code smallint}, {@code character varying(16)} and enum types
 * (the catalogue lists their labels); MySQL's {@code tinyint(1)} (its BOOLEAN), {@code int(10) unsigned},
 * {@code varchar(16)} and {@code enum('a','b')}.
 *
 * <pre>{@code
 * Optional<String> why = ConditionValues.misfit(column, literal); // empty: it fits
 * Object bound = ConditionValues.value(column, literal);         // Boolean, Long, BigDecimal or String
 * }</pre>
 */
public final class ConditionValues {
    /** What a column holds, for comparing it with a value. */
    public enum Kind {
        BOOLEAN, INTEGER, TEXT, ENUM
    }

    private static final Pattern INTEGER_TYPE = Pattern.compile(
            "(tinyint|smallint|mediumint|int|integer|bigint)(\\(\\d+\\))?( unsigned)?( zerofill)?");
    private static final Pattern TEXT_LENGTH = Pattern.compile(
            "(?:character varying|varchar|character|char|nvarchar|nchar)\\((\\d+)\\).*");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?(0|[1-9]\\d{0,19})");
    /** Plain scalars YAML 1.1 reads as booleans: written for a text column, they are most likely a slip. */
    private static final Set<String> YAML_BOOLEANS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false");

    private ConditionValues() {
    }

    /** The kind of the column, or empty when equals and in cannot compare it (numeric, dates, binary, ...). */
    public static Optional<Kind> kind(Catalogue.Column c) {
        String type = c.sqlType().toLowerCase(Locale.ROOT).trim();
        if (!c.labels().isEmpty()) {
            return Optional.of(Kind.ENUM);
        }
        if (type.equals("boolean") || type.equals("bool") || type.equals("tinyint(1)")) {
            return Optional.of(Kind.BOOLEAN);
        }
        if (INTEGER_TYPE.matcher(type).matches()) {
            return Optional.of(Kind.INTEGER);
        }
        if (c.text()) {
            return Optional.of(Kind.TEXT);
        }
        return Optional.empty();
    }

    /** Why the value cannot be compared with the column, or empty when it fits. Never quotes row data. */
    public static Optional<String> misfit(Catalogue.Column c, PrivacyMap.Literal v) {
        Optional<Kind> kind = kind(c);
        if (kind.isEmpty()) {
            return Optional.of("column " + c.name() + " is " + c.sqlType() + "; equals and in compare boolean,"
                    + " integer, text and enum columns");
        }
        String t = v.text();
        return switch (kind.get()) {
            case BOOLEAN -> v.plain() && (t.equals("true") || t.equals("false")) ? Optional.empty()
                    : Optional.of("column " + c.name() + " is " + c.sqlType() + ": write true or false, unquoted");
            case INTEGER -> {
                Range r = range(c);
                if (!v.plain() || !WHOLE_NUMBER.matcher(t).matches() || !r.holds(new BigInteger(t))) {
                    yield Optional.of("column " + c.name() + " is " + c.sqlType() + ": write a whole number from "
                            + r.min() + " to " + r.max() + ", unquoted");
                }
                yield Optional.empty();
            }
            case TEXT -> {
                if (looksBoolean(v)) {
                    yield Optional.of(quoteIt(c, t));
                }
                Optional<Integer> max = maxLength(c);
                if (max.isPresent() && t.codePointCount(0, t.length()) > max.get()) {
                    yield Optional.of("column " + c.name() + " is " + c.sqlType() + ": the value '" + t
                            + "' is longer and can never match");
                }
                yield Optional.empty();
            }
            case ENUM -> {
                if (looksBoolean(v)) {
                    yield Optional.of(quoteIt(c, t));
                }
                yield c.labels().contains(t) ? Optional.empty()
                        : Optional.of("column " + c.name() + " is an enum without the value '" + t + "'; its values: "
                                + c.labels());
            }
        };
    }

    /** The value to bind for a value that {@link #misfit fits}: Boolean, Long, BigDecimal (above a long) or String. */
    public static Object value(Catalogue.Column c, PrivacyMap.Literal v) {
        Kind kind = kind(c).orElseThrow(() -> new IllegalArgumentException("column " + c.name()
                + " cannot be compared by equals or in"));
        return switch (kind) {
            case BOOLEAN -> Boolean.valueOf(v.text());
            case INTEGER -> {
                BigInteger n = new BigInteger(v.text());
                yield n.bitLength() < 64 ? (Object) n.longValueExact() : new BigDecimal(n);
            }
            case TEXT, ENUM -> v.text();
        };
    }

    /** Two values the column holds alike (1 and 01 on an integer column) count as the same value. */
    public static Object key(Catalogue.Column c, PrivacyMap.Literal v) {
        Object value = value(c, v);
        return value instanceof Long l ? new BigDecimal(l) : value;
    }

    private static boolean looksBoolean(PrivacyMap.Literal v) {
        return v.plain() && YAML_BOOLEANS.contains(v.text().toLowerCase(Locale.ROOT));
    }

    private static String quoteIt(Catalogue.Column c, String t) {
        return "column " + c.name() + " is " + c.sqlType() + ": YAML reads a plain " + t + " as a boolean; write it"
                + " quoted (\"" + t + "\") if the column holds that text";
    }

    private static Optional<Integer> maxLength(Catalogue.Column c) {
        Matcher m = TEXT_LENGTH.matcher(c.sqlType().toLowerCase(Locale.ROOT));
        return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    private record Range(BigInteger min, BigInteger max) {
        boolean holds(BigInteger n) {
            return n.compareTo(min) >= 0 && n.compareTo(max) <= 0;
        }
    }

    /** Each integer type's range; MySQL's unsigned variants start at 0 and reach twice as far. */
    private static Range range(Catalogue.Column c) {
        Matcher m = INTEGER_TYPE.matcher(c.sqlType().toLowerCase(Locale.ROOT).trim());
        if (!m.matches()) {
            throw new IllegalStateException("not an integer column");
        }
        int bits = switch (m.group(1)) {
            case "tinyint" -> 8;
            case "smallint" -> 16;
            case "mediumint" -> 24;
            case "int", "integer" -> 32;
            default -> 64;
        };
        if (m.group(3) != null) {
            return new Range(BigInteger.ZERO, BigInteger.TWO.pow(bits).subtract(BigInteger.ONE));
        }
        BigInteger half = BigInteger.TWO.pow(bits - 1);
        return new Range(half.negate(), half.subtract(BigInteger.ONE));
    }
}
