package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * {@code tombstone}: points a kept row's NOT NULL reference at the tombstone row of the table it references
 * (docs/privacy-map.md, "Kept rows with a NOT NULL reference"), so the row stays, the foreign key holds, and the
 * erased subject's row can go. The map says only {@code tombstone}; which table and which key follow from the
 * column's foreign key and that table's {@code tombstone:}, so the map is checked against the catalogue before
 * the strategy can write anything.
 *
 * @param table the referenced table whose tombstone the column points at; empty until the map is validated
 * @param key   that tombstone's key as the map writes it; empty until the map is validated
 */
public record TombstoneStrategy(String table, String key) implements AnonymizationStrategy {
    public static final String NAME = "tombstone";

    /** As parsed: the table is found from the catalogue's foreign keys when the map is validated. */
    public TombstoneStrategy() {
        this("", "");
    }

    public boolean resolved() {
        return !table.isEmpty();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The foreign key and the referenced table's tombstone are checked by the validator, not per column. */
    @Override
    public Optional<String> incompatibility(Catalogue.Column column) {
        return Optional.empty();
    }

    /** The tombstone's key; only a validated map's strategy has one. */
    public String requireKey() {
        if (!resolved()) {
            throw new IllegalStateException("tombstone strategy used before the map was validated");
        }
        return key;
    }
}
