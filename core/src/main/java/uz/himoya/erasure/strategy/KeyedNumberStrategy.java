package uz.himoya.erasure.strategy;

import java.util.Locale;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * {@code keyed-number}: a stable pseudonym for an integer column, such as a customer id kept in a table without a
 * foreign key (docs/privacy-map.md, "Typed pseudonyms"). It is keyed-hash made numeric: the first 64 bits of
 * sha256(secret || value), as keyed-hash computes it, masked to the column's width less its sign bit, then
 * written as a negative number: {@code -1 - (h & (2^(bits-1) - 1))}, which lies in [-2^(bits-1), -1].
 *
 * <p>Why negative: the ids an app creates come from sequences, identity columns or AUTO_INCREMENT, which count up
 * from 1, so a negative pseudonym can never be, or later become, a real subject's id, and a kept row can never be
 * mistaken for another person's. The same value always gives the same pseudonym (counts and joins still work),
 * in PostgreSQL and in MySQL/MariaDB alike, and it cannot be reversed without Himoya's secret. NULL stays NULL.
 *
 * <p>Signed integer columns of 32 or 64 bits only: an unsigned column cannot hold a negative value, and in a
 * narrower one the pseudonyms of different subjects would soon coincide (about half a chance within
 * 2^(bits/2) subjects: some 200 for a smallint, some 55,000 for an integer). A foreign key column cannot take a
 * pseudonym either (no row has that key): point it at a tombstone instead.
 */
public record KeyedNumberStrategy() implements AnonymizationStrategy {
    public static final String NAME = "keyed-number";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        if (bits(column).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("strategy 'keyed-number' needs a signed integer column of 32 or 64 bits (integer,"
                + " bigint); " + column.name() + " is " + column.sqlType());
    }

    /**
     * The column's width in bits, if it is a signed integer column of 32 or 64 bits, in either dialect's
     * spelling: PostgreSQL's {@code integer}, {@code bigint}; MySQL's {@code int(11)}, {@code bigint(20)}.
     */
    public static Optional<Integer> bits(Catalogue.Column column) {
        String type = column.sqlType().toLowerCase(Locale.ROOT).trim();
        if (type.contains("unsigned")) {
            return Optional.empty();
        }
        String word = type.replaceFirst("\\(.*$", "").trim();
        return switch (word) {
            case "integer", "int", "int4" -> Optional.of(32);
            case "bigint", "int8" -> Optional.of(64);
            default -> Optional.empty();
        };
    }

    /** 2^(bits-1) - 1: the mask that keeps a hash inside the column's positive range. */
    public static String mask(Catalogue.Column column) {
        return bits(column).orElseThrow() == 64 ? "9223372036854775807" : "2147483647";
    }
}
