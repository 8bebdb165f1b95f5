package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/** {@code redact}: a fixed marker, so a reader sees the value was erased on purpose. Text columns only. */
public record RedactStrategy() implements AnonymizationStrategy {
    public static final String NAME = "redact";
    public static final String MARKER = "[erased]";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        return column.text() ? Optional.empty()
                : Optional.of("strategy 'redact' needs a text column; " + column.name() + " is " + column.sqlType());
    }
}
