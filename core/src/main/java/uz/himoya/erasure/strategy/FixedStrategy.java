package uz.himoya.erasure.strategy;

import java.util.List;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/** {@code fixed: {value: ...}}: a constant cast to the column's type, for NOT NULL columns of any type. */
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

    @Override
    public String expression(String quotedColumn, Catalogue.Column column, String pseudonymKey,
            List<Object> params) {
        params.add(value);
        return "CAST(? AS " + column.sqlType() + ")";
    }
}
