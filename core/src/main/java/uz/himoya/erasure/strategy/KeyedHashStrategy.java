package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * {@code keyed-hash}: sha256(secret || value) in lower-case hex, computed in the store by the change itself (the
 * value is not read out to be hashed). The same value always gives the same pseudonym, in PostgreSQL and in
 * MySQL/MariaDB alike (counts and joins still work), and it cannot be reversed without Himoya's secret. NULL stays
 * NULL. Text columns only, wide enough for 64 hex characters.
 */
public record KeyedHashStrategy() implements AnonymizationStrategy {
    public static final String NAME = "keyed-hash";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        if (!column.text()) {
            return Optional.of("strategy 'keyed-hash' needs a text column; " + column.name() + " is "
                    + column.sqlType());
        }
        var width = java.util.regex.Pattern.compile("\\((\\d+)\\)").matcher(column.sqlType());
        if (width.find() && Integer.parseInt(width.group(1)) < 64) {
            return Optional.of("strategy 'keyed-hash' writes 64 characters; " + column.name() + " is "
                    + column.sqlType());
        }
        return Optional.empty();
    }
}
