package uz.himoya.erasure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import uz.himoya.db.RowGuard;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.privacymap.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Turns a validated privacy map into an {@link ErasurePlan}. Identifiers come only from the catalogue.
 *
 * @see uz.himoya.db.RowGuard
 */
public final class ErasurePlanner {

    private ErasurePlanner() {
    }

    /** For a map whose stores are all described by one catalogue (tests of a single schema). */
    public static ErasurePlan plan(PrivacyMap map, Catalogue catalogue, String pseudonymKey) {
        return plan(map, catalogue.forEveryStore(map), pseudonymKey);
    }

    /** catalogues: each store's, by store name. The steps keep the map's erasure order. */
    public static ErasurePlan plan(PrivacyMap map, Map<String, Catalogue> catalogues, String pseudonymKey) {
        return plan(map, map.tables(), catalogues, pseudonymKey);
    }

    /** The steps on the tables of one PostgreSQL store, planned against that store's catalogue. */
    public static ErasurePlan plan(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return plan(map, map.tablesOf(store), Map.of(store, catalogue), pseudonymKey);
    }

    private static ErasurePlan plan(PrivacyMap map, List<PrivacyMap.Table> tables, Map<String, Catalogue> catalogues,
            String pseudonymKey) {
        List<ErasurePlan.Step> steps = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            String schema = map.store(t.store()).schema();
            Catalogue catalogue = catalogues.get(t.store());
            String where = where(map, catalogue, t);
            List<Object> params = new ArrayList<>();
            List<String> categories = new ArrayList<>(new TreeSet<>(t.categories().values()));
            if (t.erasure() instanceof PrivacyMap.Anonymize a) {
                List<String> sets = new ArrayList<>();
                for (Map.Entry<String, AnonymizationStrategy> e : new java.util.TreeMap<>(a.columns()).entrySet()) {
                    Catalogue.Column column = catalogue.column(t.name(), e.getKey()).orElseThrow();
                    sets.add(q(e.getKey()) + " = " + e.getValue().expression(q(e.getKey()), column, pseudonymKey,
                            params));
                }
                // Only the categories of the columns actually overwritten were erased; the rest is kept.
                List<String> erased = new ArrayList<>(new TreeSet<>(a.columns().keySet().stream()
                        .map(t.categories()::get).filter(c -> c != null).toList()));
                steps.add(new ErasurePlan.Step(t.name(), t.store(), ErasurePlan.Action.ANONYMIZED,
                        guarded(schema, t, where, "UPDATE " + q(schema) + "." + q(t.name()) + " t SET "
                                + String.join(", ", sets)),
                        List.copyOf(params), erased, List.copyOf(new TreeSet<>(a.columns().keySet())),
                        Optional.of(a.reason())));
            } else {
                steps.add(new ErasurePlan.Step(t.name(), t.store(), ErasurePlan.Action.DELETED,
                        guarded(schema, t, where, "DELETE FROM " + q(schema) + "." + q(t.name()) + " t"),
                        List.of(), categories, List.of(), Optional.empty()));
            }
        }
        return new ErasurePlan(map.app().id(), List.copyOf(steps));
    }

    /**
     * The step's statement, guarded ({@link RowGuard}): the change, and beside it the count of the subject's
     * rows as the statement found them (every part of one statement reads the same snapshot, so the count is
     * what the change was meant to reach, known before it ran). The two must be equal: a trigger or rule that
     * skips or adds changes, or a concurrent writer, fails the erasure instead of a receipt saying "deleted"
     * over rows that stay. Unlike a retention batch, an erasure takes all the subject's rows in one statement,
     * so it needs no row identity to pick them: the same WHERE picks them in both parts. Placeholders: the
     * strategies' values (in the change), then the subject's key twice.
     */
    private static String guarded(String schema, PrivacyMap.Table t, String where, String change) {
        return "WITH changed AS (" + change + " WHERE " + where + " RETURNING 1) SELECT (SELECT count(*) FROM "
                + q(schema) + "." + q(t.name()) + " t WHERE " + where + "), (SELECT count(*) FROM changed)";
    }

    /** Rows of t (as alias t) that belong to the subject; exactly one placeholder, the subject's key. */
    static String where(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t) {
        return "t." + owned(map, catalogue, t);
    }

    private static String owned(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t) {
        Catalogue.Column column = catalogue.column(t.name(), t.column()).orElseThrow();
        if (t.parent().isEmpty()) {
            return q(t.column()) + " = CAST(? AS " + column.sqlType() + ")";
        }
        PrivacyMap.Table parent = map.tables().stream().filter(p -> p.name().equals(t.parent().get())).findFirst()
                .orElseThrow();
        return q(t.column()) + " IN (SELECT " + q(t.parentKey()) + " FROM " + q(map.store(t.store()).schema()) + "."
                + q(parent.name()) + " WHERE " + owned(map, catalogue, parent) + ")";
    }

    /**
     * SQL for the subject key (as text) of a row of t known as alias: its belongsTo column, or the parent
     * row's subject key for tables that belong through a parent. Used where rows are picked by something
     * other than a subject (retention, breach windows) and must still be traced to one.
     */
    public static String subjectKey(PrivacyMap map, PrivacyMap.Table t, String alias) {
        if (t.parent().isEmpty()) {
            return alias + "." + q(t.column()) + "::text";
        }
        PrivacyMap.Table parent = map.table(t.parent().get()).orElseThrow();
        String p = alias + "_p";
        return "(SELECT " + subjectKey(map, parent, p) + " FROM " + q(map.store(t.store()).schema()) + "."
                + q(parent.name())
                + " " + p + " WHERE " + p + "." + q(t.parentKey()) + " = " + alias + "." + q(t.column()) + ")";
    }

    /** Quotes a PostgreSQL identifier (uz.himoya.db.Identifiers). */
    public static String q(String identifier) {
        return uz.himoya.db.Identifiers.postgres(identifier);
    }
}
