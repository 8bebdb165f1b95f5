package uz.himoya.erasure.strategy;

import java.util.List;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * How one column is overwritten when a row must be kept. One strategy per class, each naming itself;
 * looked up by {@link Strategies#byName}. Expressions are set-based SQL: values are bound, never inlined.
 */
public sealed interface AnonymizationStrategy permits NullStrategy, RedactStrategy, KeyedHashStrategy,
        FixedStrategy, TombstoneStrategy, KeyedNumberStrategy {

    String name();

    /** Why this strategy cannot apply to the column, if it cannot. */
    Optional<String> incompatibility(Catalogue.Column column);

    /**
     * The right-hand side of {@code SET column = ...}; appends the values it binds to params.
     *
     * @param quotedColumn the column, validated against the catalogue and quoted
     * @param pseudonymKey Himoya's secret prefix for keyed hashes
     */
    String expression(String quotedColumn, Catalogue.Column column, String pseudonymKey, List<Object> params);
}
