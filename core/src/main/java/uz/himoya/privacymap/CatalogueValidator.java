package uz.himoya.privacymap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.erasure.strategy.AnonymizationStrategy;

/**
 * Checks every identifier of a parsed map against the database catalogue and puts the tables in erasure
 * order: children before parents, so no foreign key ever blocks a set-based delete.
 */
public final class CatalogueValidator {

    private CatalogueValidator() {
    }

    /** For a map whose stores are all described by one catalogue (tests of a single schema). */
    public static PrivacyMap validate(PrivacyMap map, Catalogue catalogue) {
        return validate(map, catalogue.forEveryStore(map.stores().stream().map(PrivacyMap.Store::name).toList()));
    }

    /**
     * The map with its tables in erasure order; throws with every problem found. catalogues: each store's,
     * by store name. Tables of the stores other than the subject's come first and the subject's store last,
     * each store's children before parents: the subject's own row is the last thing erased.
     */
    public static PrivacyMap validate(PrivacyMap map, Map<String, Catalogue> catalogues) {
        List<MapProblem> problems = new ArrayList<>();
        String file = map.source();
        PrivacyMap.Subject s = map.subject();
        Catalogue subjectCatalogue = catalogues.get(s.store());
        if (!subjectCatalogue.tables().containsKey(s.table())) {
            problems.add(new MapProblem(file, 1, "subject.table: " + unknownTable(subjectCatalogue, s.table())));
        } else {
            requireColumn(problems, file, 1, subjectCatalogue, s.table(), s.key(), "subject.key");
            requireColumn(problems, file, 1, subjectCatalogue, s.table(), s.email(), "subject.email");
            s.locale().ifPresent(l -> requireColumn(problems, file, 1, subjectCatalogue, s.table(), l,
                    "subject.locale"));
        }
        Map<String, PrivacyMap.Table> byName = new LinkedHashMap<>();
        for (PrivacyMap.Table t : map.tables()) {
            if (byName.put(t.name(), t) != null) {
                problems.add(new MapProblem(file, t.line(), "table " + t.name() + " is mapped twice"));
            }
        }
        for (PrivacyMap.Table t : map.tables()) {
            Catalogue catalogue = catalogues.get(t.store());
            t.parent().map(byName::get).filter(p -> !p.store().equals(t.store())).ifPresent(p -> problems.add(
                    new MapProblem(file, t.line(), "table " + t.name() + " (store " + t.store() + ") belongs to "
                            + p.name() + " in store " + p.store() + ": a parent must be in the same store (one"
                            + " statement finds the rows through it)")));
            checkTable(problems, file, catalogue, map, byName, t);
            t.retention().ifPresent(r -> checkRetention(problems, file, catalogue, t, r));
        }
        for (PrivacyMap.BreachSelector sel : map.breachSelectors()) {
            PrivacyMap.Table table = byName.get(sel.table());
            if (table == null) {
                problems.add(new MapProblem(file, sel.line(), "breach selector " + sel.name() + ": table '"
                        + sel.table() + "' is not mapped (its rows must lead to a subject)"));
            } else if (!table.store().equals(s.store())) {
                problems.add(new MapProblem(file, sel.line(), "breach selector " + sel.name() + ": table "
                        + sel.table() + " is in store " + table.store() + ", not in the subject's store "
                        + s.store() + " (not supported yet)"));
            } else {
                requireTemporal(problems, file, sel.line(), subjectCatalogue, sel.table(), sel.timestamp(),
                        "breach selector " + sel.name() + " timestamp");
            }
        }
        ReferenceValidator.check(problems, map, catalogues, byName);
        if (problems.isEmpty()) {
            for (PrivacyMap.Store store : map.stores()) {
                checkReferencesToDeletedRows(problems, file, catalogues.get(store.name()), inStore(byName, store));
            }
        }
        if (!problems.isEmpty()) {
            throw new PrivacyMapException(problems);
        }
        Map<String, PrivacyMap.Table> resolved = ReferenceValidator.resolve(catalogues, byName);
        List<PrivacyMap.Table> ordered = new ArrayList<>();
        List<PrivacyMap.Store> stores = new ArrayList<>(map.stores());
        stores.sort((a, b) -> Boolean.compare(a.name().equals(s.store()), b.name().equals(s.store())));
        for (PrivacyMap.Store store : stores) {
            ordered.addAll(order(file, catalogues.get(store.name()), inStore(resolved, store)));
        }
        return map.withTables(ordered);
    }

    private static Map<String, PrivacyMap.Table> inStore(Map<String, PrivacyMap.Table> byName,
            PrivacyMap.Store store) {
        Map<String, PrivacyMap.Table> out = new LinkedHashMap<>();
        byName.forEach((n, t) -> {
            if (t.store().equals(store.name())) {
                out.put(n, t);
            }
        });
        return out;
    }

    private static void checkTable(List<MapProblem> problems, String file, Catalogue catalogue, PrivacyMap map,
            Map<String, PrivacyMap.Table> byName, PrivacyMap.Table t) {
        if (!catalogue.tables().containsKey(t.name())) {
            problems.add(new MapProblem(file, t.line(), unknownTable(catalogue, t.name())));
            return;
        }
        // A referenced table's rows belong through the rows that point at them (ReferenceValidator).
        if (!t.referenced()) {
            requireColumn(problems, file, t.line(), catalogue, t.name(), t.column(), "belongsTo.column");
        }
        if (t.parent().isPresent()) {
            PrivacyMap.Table parent = byName.get(t.parent().get());
            if (parent == null) {
                problems.add(new MapProblem(file, t.line(), "table " + t.name() + ": belongsTo.parent '"
                        + t.parent().get() + "' is not a mapped table"));
            } else if (catalogue.tables().containsKey(parent.name())) {
                requireColumn(problems, file, t.line(), catalogue, parent.name(), t.parentKey(), "parentKey");
            }
        } else if (!t.parentKey().equals("id")) {
            problems.add(new MapProblem(file, t.line(), "table " + t.name() + ": parentKey needs belongsTo.parent"));
        }
        for (String column : t.categories().keySet()) {
            requireColumn(problems, file, t.line(), catalogue, t.name(), column, "columns");
        }
        if (t.erasure() instanceof PrivacyMap.Anonymize a) {
            for (Map.Entry<String, AnonymizationStrategy> e : a.columns().entrySet()) {
                Optional<Catalogue.Column> c = catalogue.column(t.name(), e.getKey());
                if (c.isEmpty()) {
                    problems.add(new MapProblem(file, t.line(), "table " + t.name() + ": unknown column '"
                            + e.getKey() + "' in anonymize"));
                } else {
                    e.getValue().incompatibility(c.get()).ifPresent(why -> problems.add(
                            new MapProblem(file, t.line(), "table " + t.name() + ": " + why)));
                }
            }
        }
        // The parent chain must end at a table that points at the subject directly.
        Set<String> seen = new LinkedHashSet<>();
        PrivacyMap.Table cur = t;
        while (cur != null && cur.parent().isPresent()) {
            if (!seen.add(cur.name())) {
                problems.add(new MapProblem(file, t.line(), "belongsTo.parent chain loops: " + seen));
                return;
            }
            cur = byName.get(cur.parent().get());
        }
        if (cur != null && map.subject().table().equals(t.name()) && !t.referenced()
                && !t.column().equals(map.subject().key())) {
            problems.add(new MapProblem(file, t.line(), "table " + t.name() + " is the subject table: belongsTo.column"
                    + " must be subject.key"));
        }
    }

    /**
     * Rows that reference a table the map deletes from must go too, or be cut loose: otherwise the erasure
     * would fail on the foreign key every time (or, with ON DELETE CASCADE, delete data the map never
     * listed). So a referencing table must be mapped, and if it is anonymized, its referencing columns must
     * be among the anonymized ones.
     */
    private static void checkReferencesToDeletedRows(List<MapProblem> problems, String file, Catalogue catalogue,
            Map<String, PrivacyMap.Table> byName) {
        for (Catalogue.ForeignKey fk : catalogue.foreignKeys()) {
            PrivacyMap.Table target = byName.get(fk.referencedTable());
            // A referenced table's rows are deleted only where no row of any table points at them any more.
            if (target == null || !(target.erasure() instanceof PrivacyMap.Delete) || target.referenced()
                    || fk.table().equals(fk.referencedTable())) {
                continue;
            }
            PrivacyMap.Table source = byName.get(fk.table());
            if (source == null) {
                problems.add(new MapProblem(file, target.line(), "table " + fk.table() + " references "
                        + fk.referencedTable() + ", whose rows are deleted, but is not mapped"));
            } else if (source.erasure() instanceof PrivacyMap.Anonymize a
                    && !a.columns().keySet().containsAll(fk.columns())) {
                problems.add(new MapProblem(file, source.line(), "table " + source.name() + " is anonymized but its"
                        + " columns " + fk.columns() + " still reference " + fk.referencedTable()
                        + ", whose rows are deleted: anonymize them too (null)"));
            }
        }
    }

    /**
     * A partition or an inheritance child is reached through its top-level table: mapping it as well would
     * erase or sweep its rows twice and count them apart from the table they belong to.
     */
    private static String unknownTable(Catalogue catalogue, String table) {
        String top = catalogue.members().get(table);
        if (top != null) {
            return "table '" + table + "' is a partition or inheritance child of '" + top + "': map '" + top
                    + "' instead (statements on it reach the rows of all its partitions and children)";
        }
        return "unknown table '" + table + "' in schema " + catalogue.schema();
    }

    private static void checkRetention(List<MapProblem> problems, String file, Catalogue catalogue,
            PrivacyMap.Table t, PrivacyMap.Retention r) {
        if (!catalogue.tables().containsKey(t.name())) {
            return; // reported by checkTable
        }
        requireTemporal(problems, file, r.line(), catalogue, t.name(), r.column(), "retention.column");
        if (r.action() instanceof PrivacyMap.Delete) {
            // A sweep may change only the rows it picked (issue 9). ON DELETE CASCADE / SET NULL / SET DEFAULT
            // would change rows of another table that were never picked, counted or checked for holds.
            for (Catalogue.ForeignKey fk : catalogue.foreignKeys()) {
                if (fk.referencedTable().equals(t.name()) && fk.changesReferencingRows()) {
                    problems.add(new MapProblem(file, r.line(), "table " + t.name() + " retention: deleting its"
                            + " rows would also change rows of " + fk.table() + " " + fk.columns() + " through"
                            + " ON DELETE " + onDelete(fk) + ", which the sweep never picked; anonymize instead,"
                            + " or make the foreign key ON DELETE NO ACTION and give " + fk.table()
                            + " its own retention rule"));
                }
            }
        }
        for (PrivacyMap.Condition.Check check : r.checks()) {
            checkCondition(problems, file, catalogue, t, check);
        }
        if (r.action() instanceof PrivacyMap.Anonymize a) {
            for (Map.Entry<String, AnonymizationStrategy> e : a.columns().entrySet()) {
                Optional<Catalogue.Column> c = catalogue.column(t.name(), e.getKey());
                if (c.isEmpty()) {
                    problems.add(new MapProblem(file, r.line(), "table " + t.name() + ": unknown column '"
                            + e.getKey() + "' in retention anonymize"));
                } else {
                    e.getValue().incompatibility(c.get()).ifPresent(why -> problems.add(
                            new MapProblem(file, r.line(), "table " + t.name() + " retention: " + why)));
                }
            }
        }
    }

    /** A retention check against its column: the column exists, and the check can hold of it. */
    private static void checkCondition(List<MapProblem> problems, String file, Catalogue catalogue,
            PrivacyMap.Table t, PrivacyMap.Condition.Check check) {
        String what = "table " + t.name() + " retention.when";
        switch (check) {
            case PrivacyMap.Condition.OlderThan o -> requireTemporal(problems, file, o.line(), catalogue, t.name(),
                    o.column(), what + " olderThan");
            case PrivacyMap.Condition.IsNull n -> catalogue.column(t.name(), n.column()).ifPresentOrElse(c -> {
                if (!c.nullable()) {
                    problems.add(new MapProblem(file, n.line(), what + ": column " + n.column() + " is NOT NULL,"
                            + " so isNull never holds and the rule would take no row"));
                }
            }, () -> problems.add(new MapProblem(file, n.line(), what + ": unknown column '" + n.column()
                    + "' in table " + t.name())));
            case PrivacyMap.Condition.OneOf o -> catalogue.column(t.name(), o.column()).ifPresentOrElse(c -> {
                Set<Object> seen = new HashSet<>();
                for (PrivacyMap.Literal v : o.values()) {
                    Optional<String> misfit = ConditionValues.misfit(c, v);
                    if (misfit.isPresent()) {
                        problems.add(new MapProblem(file, v.line(), what + " " + o.operator() + ": "
                                + misfit.get()));
                        if (ConditionValues.kind(c).isEmpty()) {
                            return; // one problem for the column, not one per value
                        }
                    } else if (!seen.add(ConditionValues.key(c, v))) {
                        problems.add(new MapProblem(file, v.line(), what + " in: value '" + v.text() + "' is the"
                                + " same as another value of the list for column " + o.column()));
                    }
                }
            }, () -> problems.add(new MapProblem(file, o.line(), what + ": unknown column '" + o.column()
                    + "' in table " + t.name())));
        }
    }

    private static String onDelete(Catalogue.ForeignKey fk) {
        return switch (fk.onDelete()) {
            case 'c' -> "CASCADE";
            case 'n' -> "SET NULL";
            default -> "SET DEFAULT";
        };
    }

    private static void requireTemporal(List<MapProblem> problems, String file, int line, Catalogue catalogue,
            String table, String column, String what) {
        Optional<Catalogue.Column> c = catalogue.column(table, column);
        if (c.isEmpty()) {
            problems.add(new MapProblem(file, line, what + ": unknown column '" + column + "' in table " + table));
        } else if (!c.get().temporal()) {
            problems.add(new MapProblem(file, line, what + ": column " + table + "." + column + " is "
                    + c.get().sqlType() + ", not a date or timestamp"));
        }
    }

    static boolean requireColumn(List<MapProblem> problems, String file, int line, Catalogue catalogue,
            String table, String column, String what) {
        if (catalogue.column(table, column).isEmpty()) {
            problems.add(new MapProblem(file, line, what + ": unknown column '" + column + "' in table " + table));
            return false;
        }
        return true;
    }

    /**
     * Topological order: an edge child -> parent for every belongsTo.parent and every foreign key between
     * mapped tables. Children are erased first. A cycle is reported with the tables in it.
     */
    private static List<PrivacyMap.Table> order(String file, Catalogue catalogue,
            Map<String, PrivacyMap.Table> byName) {
        Map<String, Set<String>> mustComeBefore = new HashMap<>(); // parent -> children that must go first
        byName.keySet().forEach(n -> mustComeBefore.put(n, new LinkedHashSet<>()));
        for (PrivacyMap.Table t : byName.values()) {
            t.parent().ifPresent(p -> mustComeBefore.get(p).add(t.name()));
        }
        for (Catalogue.ForeignKey fk : catalogue.foreignKeys()) {
            if (byName.containsKey(fk.table()) && byName.containsKey(fk.referencedTable())
                    && !fk.table().equals(fk.referencedTable())) {
                mustComeBefore.get(fk.referencedTable()).add(fk.table());
            }
        }
        List<PrivacyMap.Table> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
        for (String name : byName.keySet()) {
            visit(file, name, byName, mustComeBefore, state, new ArrayDeque<>(), out);
        }
        return out;
    }

    private static void visit(String file, String name, Map<String, PrivacyMap.Table> byName,
            Map<String, Set<String>> mustComeBefore, Map<String, Integer> state, Deque<String> path,
            List<PrivacyMap.Table> out) {
        Integer st = state.get(name);
        if (st != null && st == 2) {
            return;
        }
        path.addLast(name);
        if (st != null) {
            List<String> cycle = new ArrayList<>(path);
            cycle = cycle.subList(cycle.indexOf(name), cycle.size());
            throw new PrivacyMapException(List.of(new MapProblem(file, byName.get(name).line(),
                    "cycle in the table order: " + String.join(" -> ", cycle))));
        }
        state.put(name, 1);
        for (String child : mustComeBefore.get(name)) {
            visit(file, child, byName, mustComeBefore, state, path, out);
        }
        state.put(name, 2);
        path.removeLast();
        out.add(byName.get(name));
    }
}
