package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * {@code fixed: {value: ...}}: the map's constant, written as a value of the column's type (one the type cannot
 * hold fails the change), for NOT NULL columns of any type.
 */
public record FixedStrategy(String value) implements AnonymizationStrategy {
    public static final String NAME = "fixed";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        return Optional.empty();
    }
}
