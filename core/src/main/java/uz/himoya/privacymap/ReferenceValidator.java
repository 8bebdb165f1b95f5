package uz.himoya.privacymap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;

/**
 * The map's references checked against the catalogue's foreign keys (docs/privacy-map.md, "References from the
 * subject" and "Kept rows with a NOT NULL reference"): {@code referencedBy}, {@code tombstone:} and the
 * strategies that need a foreign key to mean anything ({@code tombstone}) or must not touch one
 * ({@code keyed-number}). Himoya follows only references the schema declares, so a map can never make it
 * delete rows through a link the database does not know.
 *
 * <p>Part of {@link CatalogueValidator}: {@link #check} adds problems; {@link #resolve}, on a map without
 * problems, fills in what the catalogue says (the referenced key columns, each tombstone's key column and
 * type, and the table and key each {@code tombstone} strategy points at).
 */
final class ReferenceValidator {

    private ReferenceValidator() {
    }

    static void check(List<MapProblem> problems, PrivacyMap map, Map<String, Catalogue> catalogues,
            Map<String, PrivacyMap.Table> byName) {
        String file = map.source();
        for (PrivacyMap.Table t : byName.values()) {
            Catalogue catalogue = catalogues.get(t.store());
            if (catalogue == null || !catalogue.tables().containsKey(t.name())) {
                continue; // reported by CatalogueValidator
            }
            if (t.referenced()) {
                checkReferenced(problems, file, map, catalogue, byName, t);
            }
            t.parent().map(byName::get).filter(PrivacyMap.Table::referenced).ifPresent(p -> problems.add(
                    new MapProblem(file, t.line(), "table " + t.name() + ": belongsTo.parent " + p.name() + " is a"
                            + " referenced table (referencedBy); a parent must itself name the subject (not"
                            + " supported yet)")));
            t.tombstone().ifPresent(ts -> checkTombstone(problems, file, catalogue, t, ts));
            if (t.erasure() instanceof PrivacyMap.Anonymize a) {
                for (Map.Entry<String, AnonymizationStrategy> e : a.columns().entrySet()) {
                    checkStrategy(problems, file, catalogue, byName, t, e.getKey(), e.getValue());
                }
            }
            t.retention().ifPresent(r -> {
                if (r.action() instanceof PrivacyMap.Anonymize a
                        && a.columns().values().stream().anyMatch(TombstoneStrategy.class::isInstance)) {
                    problems.add(new MapProblem(file, r.line(), "table " + t.name() + " retention: strategy"
                            + " 'tombstone' is for erasure only (not supported in retention rules yet)"));
                }
            });
        }
    }

    /** The map with what the catalogue says filled in; call only on a map {@link #check} found no problem in. */
    static Map<String, PrivacyMap.Table> resolve(Map<String, Catalogue> catalogues,
            Map<String, PrivacyMap.Table> byName) {
        Map<String, PrivacyMap.Table> out = new LinkedHashMap<>();
        for (PrivacyMap.Table t : byName.values()) {
            Catalogue catalogue = catalogues.get(t.store());
            List<PrivacyMap.Reference> refs = new ArrayList<>();
            for (PrivacyMap.Reference r : t.referencedBy()) {
                Catalogue.ForeignKey fk = foreignKey(catalogue, r.table(), r.column(), t.name()).orElseThrow();
                refs.add(new PrivacyMap.Reference(r.line(), r.table(), r.column(), fk.referencedColumns().get(0)));
            }
            Optional<PrivacyMap.Tombstone> tombstone = t.tombstone().map(ts -> {
                String key = catalogue.relations().get(t.name()).primaryKey().get(0);
                return ts.resolved(key, catalogue.column(t.name(), key).orElseThrow().sqlType());
            });
            PrivacyMap.Table resolved = t.withReferences(refs, tombstone);
            if (t.erasure() instanceof PrivacyMap.Anonymize a) {
                Map<String, AnonymizationStrategy> columns = new LinkedHashMap<>();
                a.columns().forEach((column, strategy) -> columns.put(column, strategy instanceof TombstoneStrategy
                        ? pointed(catalogue, byName, t, column) : strategy));
                resolved = resolved.withErasure(new PrivacyMap.Anonymize(Map.copyOf(columns), a.reason()));
            }
            out.put(t.name(), resolved);
        }
        return out;
    }

    /**
     * A referenced table: its rows are deleted where the subject's rows point at them and nothing else does, so
     * each reference must be a foreign key the catalogue declares, from a mapped table of the same store whose
     * rows let go of it (deleted, or the column cut loose).
     */
    private static void checkReferenced(List<MapProblem> problems, String file, PrivacyMap map, Catalogue catalogue,
            Map<String, PrivacyMap.Table> byName, PrivacyMap.Table t) {
        String what = "table " + t.name() + ": ";
        if (map.subject().table().equals(t.name())) {
            problems.add(new MapProblem(file, t.line(), what + "the subject table belongs through belongsTo, not"
                    + " referencedBy"));
        }
        if (!(t.erasure() instanceof PrivacyMap.Delete)) {
            // Rows another subject still points at stay; overwriting them would erase that subject's data too.
            problems.add(new MapProblem(file, t.line(), what + "a referenced table's rows are deleted where nothing"
                    + " points at them any more: its erasure must be delete"));
        }
        if (t.retention().isPresent()) {
            problems.add(new MapProblem(file, t.line(), what + "retention on a referenced table is not supported yet"
                    + " (its rows are traced to no single subject)"));
        }
        map.breachSelectors().stream().filter(sel -> sel.table().equals(t.name())).forEach(sel -> problems.add(
                new MapProblem(file, sel.line(), "breach selector " + sel.name() + ": table " + t.name() + " is a"
                        + " referenced table (referencedBy), whose rows lead to no single subject (not supported"
                        + " yet)")));
        java.util.Set<List<String>> keys = new java.util.LinkedHashSet<>();
        for (PrivacyMap.Reference r : t.referencedBy()) {
            PrivacyMap.Table from = byName.get(r.table());
            if (from == null) {
                problems.add(new MapProblem(file, r.line(), what + "referencedBy.table '" + r.table() + "' is not a"
                        + " mapped table (only rows that belong to the subject lead to rows they point at)"));
                continue;
            }
            if (!from.store().equals(t.store())) {
                problems.add(new MapProblem(file, r.line(), what + "referencedBy.table " + r.table() + " is in store "
                        + from.store() + ": a reference must stay inside one store"));
                continue;
            }
            if (!CatalogueValidator.requireColumn(problems, file, r.line(), catalogue, r.table(), r.column(),
                    "referencedBy.column")) {
                continue;
            }
            Optional<Catalogue.ForeignKey> fk = foreignKey(catalogue, r.table(), r.column(), t.name());
            if (fk.isEmpty()) {
                problems.add(new MapProblem(file, r.line(), what + "the schema declares no foreign key " + r.table()
                        + "(" + r.column() + ") -> " + t.name() + "; Himoya follows only declared foreign keys"));
                continue;
            }
            keys.add(fk.get().referencedColumns());
            if (from.erasure() instanceof PrivacyMap.Anonymize a && !a.columns().containsKey(r.column())) {
                problems.add(new MapProblem(file, r.line(), what + "table " + r.table() + " is kept (anonymized) with "
                        + r.column() + " unchanged, so its rows would always point at " + t.name() + "'s rows and"
                        + " none could be erased: anonymize " + r.column() + " too (null or tombstone)"));
            }
        }
        if (keys.size() > 1) {
            problems.add(new MapProblem(file, t.line(), what + "its references point at different columns " + keys
                    + "; they must all reference the same key"));
        }
    }

    /** A tombstone is one row, found and created by the table's one-column primary key. */
    private static void checkTombstone(List<MapProblem> problems, String file, Catalogue catalogue,
            PrivacyMap.Table t, PrivacyMap.Tombstone ts) {
        String what = "table " + t.name() + " tombstone: ";
        List<String> pk = catalogue.relations().get(t.name()).primaryKey();
        if (pk.size() != 1) {
            problems.add(new MapProblem(file, ts.line(), what + "needs a primary key of one column (" + t.name()
                    + " has " + (pk.isEmpty() ? "none" : pk) + ")"));
            return;
        }
        if (ts.values().containsKey(pk.get(0))) {
            problems.add(new MapProblem(file, ts.line(), what + pk.get(0) + " is the key: give it as tombstone.key,"
                    + " not among the values"));
        }
        for (String column : ts.values().keySet()) {
            CatalogueValidator.requireColumn(problems, file, ts.line(), catalogue, t.name(), column,
                    "tombstone.values");
        }
    }

    private static void checkStrategy(List<MapProblem> problems, String file, Catalogue catalogue,
            Map<String, PrivacyMap.Table> byName, PrivacyMap.Table t, String column, AnonymizationStrategy s) {
        if (catalogue.column(t.name(), column).isEmpty()) {
            return; // reported by CatalogueValidator
        }
        String what = "table " + t.name() + ", column " + column + ": ";
        if (s instanceof TombstoneStrategy) {
            Optional<Catalogue.ForeignKey> fk = catalogue.foreignKeys().stream()
                    .filter(k -> k.table().equals(t.name()) && k.columns().equals(List.of(column))).findFirst();
            if (fk.isEmpty()) {
                problems.add(new MapProblem(file, t.line(), what + "strategy 'tombstone' needs a foreign key of this"
                        + " one column (it points the row at the referenced table's tombstone)"));
                return;
            }
            PrivacyMap.Table target = byName.get(fk.get().referencedTable());
            if (target == null || target.tombstone().isEmpty()) {
                problems.add(new MapProblem(file, t.line(), what + "strategy 'tombstone': table "
                        + fk.get().referencedTable() + " declares no tombstone (map it with tombstone: {key: ...,"
                        + " values: {...}})"));
                return;
            }
            List<String> pk = Optional.ofNullable(catalogue.relations().get(target.name()))
                    .map(Catalogue.Relation::primaryKey).orElse(List.of());
            if (!fk.get().referencedColumns().equals(pk)) {
                problems.add(new MapProblem(file, t.line(), what + "strategy 'tombstone': the foreign key references "
                        + target.name() + fk.get().referencedColumns() + ", not its primary key, which the tombstone"
                        + " is found by"));
            }
        } else if (s instanceof KeyedNumberStrategy) {
            boolean keyed = catalogue.foreignKeys().stream().anyMatch(k -> (k.table().equals(t.name())
                    && k.columns().contains(column)) || (k.referencedTable().equals(t.name())
                            && k.referencedColumns().contains(column)));
            if (keyed) {
                problems.add(new MapProblem(file, t.line(), what + "strategy 'keyed-number' on a column of a foreign"
                        + " key: no row has a pseudonym as its key, so the foreign key would fail; use 'tombstone'"));
            }
        }
    }

    /** The foreign key from.column -> to, if the catalogue declares one of that one column. */
    static Optional<Catalogue.ForeignKey> foreignKey(Catalogue catalogue, String from, String column, String to) {
        return catalogue.foreignKeys().stream().filter(k -> k.table().equals(from) && k.referencedTable().equals(to)
                && k.columns().equals(List.of(column))).findFirst();
    }

    /** The resolved tombstone strategy of a validated column: its foreign key's table and that table's key. */
    private static TombstoneStrategy pointed(Catalogue catalogue, Map<String, PrivacyMap.Table> byName,
            PrivacyMap.Table t, String column) {
        Catalogue.ForeignKey fk = catalogue.foreignKeys().stream()
                .filter(k -> k.table().equals(t.name()) && k.columns().equals(List.of(column))).findFirst()
                .orElseThrow();
        PrivacyMap.Table target = byName.get(fk.referencedTable());
        return new TombstoneStrategy(target.name(), target.tombstone().orElseThrow().key());
    }
}
