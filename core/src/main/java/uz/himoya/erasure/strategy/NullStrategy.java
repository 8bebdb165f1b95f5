package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/** {@code null}: the value is removed; also how a kept row is cut loose from the erased subject. */
public record NullStrategy() implements AnonymizationStrategy {
    public static final String NAME = "null";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        return column.nullable() ? Optional.empty()
                : Optional.of("strategy 'null' on NOT NULL column " + column.name() + "; use 'fixed' or 'redact'");
    }
}
