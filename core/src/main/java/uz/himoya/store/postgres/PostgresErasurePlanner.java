package uz.himoya.store.postgres;

import static uz.himoya.store.postgres.PostgresDialect.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import uz.himoya.db.RowGuard;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.erasure.ErasureAction;
import uz.himoya.erasure.CutLoose;

/**
 * Turns a validated privacy map into an {@link PostgresErasurePlan}. Identifiers come only from the catalogue.
 *
 * @see uz.himoya.db.RowGuard
 */
public final class PostgresErasurePlanner {

    private PostgresErasurePlanner() {
    }

    /** For a map whose stores are all described by one catalogue (tests of a single schema). */
    public static PostgresErasurePlan plan(PrivacyMap map, Catalogue catalogue, String pseudonymKey) {
        return plan(map, catalogue.forEveryStore(map.stores().stream().map(PrivacyMap.Store::name).toList()),
                pseudonymKey);
    }

    /** catalogues: each store's, by store name. The steps keep the map's erasure order. */
    public static PostgresErasurePlan plan(PrivacyMap map, Map<String, Catalogue> catalogues, String pseudonymKey) {
        return plan(map, map.tables(), catalogues, pseudonymKey);
    }

    /** The steps on the tables of one PostgreSQL store, planned against that store's catalogue. */
    public static PostgresErasurePlan plan(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return plan(map, map.tablesOf(store), Map.of(store, catalogue), pseudonymKey);
    }

    private static PostgresErasurePlan plan(PrivacyMap map, List<PrivacyMap.Table> tables,
            Map<String, Catalogue> catalogues, String pseudonymKey) {
        List<PostgresErasurePlan.Step> steps = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            String schema = map.store(t.store()).schema();
            Catalogue catalogue = catalogues.get(t.store());
            String where = t.referenced() ? referencedWhere(map, catalogue, t) : where(map, catalogue, t);
            Optional<String> ids = t.referenced() ? Optional.of(t.name()) : Optional.empty();
            List<Object> params = new ArrayList<>();
            List<String> categories = new ArrayList<>(new TreeSet<>(t.categories().values()));
            if (t.erasure() instanceof PrivacyMap.Anonymize a) {
                List<String> sets = new ArrayList<>();
                for (Map.Entry<String, AnonymizationStrategy> e : new java.util.TreeMap<>(a.columns()).entrySet()) {
                    Catalogue.Column column = catalogue.column(t.name(), e.getKey()).orElseThrow();
                    sets.add(quote(e.getKey()) + " = " + PostgresDialect.anonymized(quote(e.getKey()), e.getValue(),
                            column, pseudonymKey, params));
                }
                // Only the categories of the columns actually overwritten were erased; the rest is kept.
                List<String> erased = new ArrayList<>(new TreeSet<>(a.columns().keySet().stream()
                        .map(t.categories()::get).filter(c -> c != null).toList()));
                List<CutLoose> cut = CutLoose.of(map, catalogue, t, a);
                String change = "UPDATE " + quote(schema) + "." + quote(t.name()) + " t SET " + String.join(", ", sets);
                steps.add(new PostgresErasurePlan.Step(t.name(), t.store(), CutLoose.onlyLinks(cut, a)
                        ? ErasureAction.CUT_LOOSE : ErasureAction.ANONYMIZED,
                        guarded(schema, t, where, change), sameSnapshot(schema, t, where, change),
                        List.copyOf(params), erased, List.copyOf(new TreeSet<>(a.columns().keySet())),
                        Optional.of(a.reason()), ids, cut));
            } else {
                String change = "DELETE FROM " + quote(schema) + "." + quote(t.name()) + " t";
                steps.add(new PostgresErasurePlan.Step(t.name(), t.store(), ErasureAction.DELETED,
                        guarded(schema, t, where, change), sameSnapshot(schema, t, where, change),
                        List.of(), categories, List.of(), Optional.empty(), ids, List.of()));
            }
        }
        return new PostgresErasurePlan(map.app().id(), List.copyOf(steps), captures(map, tables, catalogues),
                tombstones(map, tables, catalogues));
    }

    /**
     * The rows of a referenced table (alias t) that the subject's rows point at (the captured keys, one array
     * placeholder) and that no row of any table of the schema points at any more, mapped or not, kept or not:
     * a NOT EXISTS per foreign key that references the table. The subject's own referencing rows are gone or cut
     * loose by then (they come first in erasure order), so what stops a row here is another subject's row, or a
     * row the map keeps or does not map at all: a shared address stays. Its tombstone is never among the keys.
     */
    static String referencedWhere(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t) {
        String schema = quote(map.store(t.store()).schema());
        StringBuilder where = new StringBuilder(reached(catalogue, t));
        for (Catalogue.ForeignKey fk : catalogue.foreignKeys()) {
            if (!fk.referencedTable().equals(t.name())) {
                continue;
            }
            List<String> on = new ArrayList<>();
            for (int i = 0; i < fk.columns().size(); i++) {
                on.add("r." + quote(fk.columns().get(i)) + " = t." + quote(fk.referencedColumns().get(i)));
            }
            where.append(" AND NOT EXISTS (SELECT 1 FROM ").append(schema).append(".").append(quote(fk.table()))
                    .append(" r WHERE ").append(String.join(" AND ", on)).append(")");
        }
        return where.toString();
    }

    /**
     * The rows of a referenced table (alias t) that the subject's rows point at, shared or not: the captured
     * keys, one array placeholder. The erasure takes those of them nobody else points at (referencedWhere); a
     * subject's rows read (PostgresSubjectRows) are all of them.
     */
    static String reached(Catalogue catalogue, PrivacyMap.Table t) {
        String key = t.referencedBy().get(0).key();
        String type = catalogue.column(t.name(), key).orElseThrow().sqlType();
        return "t." + quote(key) + " = ANY(CAST(CAST(? AS text[]) AS " + type + "[]))";
    }

    /**
     * For each reference of each referenced table, in erasure order (a referencing table comes before the table
     * it references, so a chain's earlier keys are captured first): the keys its rows of the subject point at.
     */
    static List<PostgresErasurePlan.Capture> captures(PrivacyMap map, List<PrivacyMap.Table> tables,
            Map<String, Catalogue> catalogues) {
        List<PostgresErasurePlan.Capture> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            Catalogue catalogue = catalogues.get(t.store());
            String schema = quote(map.store(t.store()).schema());
            for (PrivacyMap.Reference r : t.referencedBy()) {
                PrivacyMap.Table from = map.table(r.table()).orElseThrow();
                String column = "t." + quote(r.column());
                String rows;
                Optional<String> via = Optional.empty();
                if (from.referenced()) {
                    String fromKey = from.referencedBy().get(0).key();
                    rows = "t." + quote(fromKey) + " = ANY(CAST(CAST(? AS text[]) AS "
                            + catalogue.column(from.name(), fromKey).orElseThrow().sqlType() + "[]))";
                    via = Optional.of(from.name());
                } else {
                    rows = where(map, catalogue, from);
                }
                List<Object> params = new ArrayList<>();
                String sql = "SELECT " + column + "::text FROM " + schema + "." + quote(from.name()) + " t WHERE "
                        + rows + " AND " + column + " IS NOT NULL";
                if (t.tombstone().isPresent()) {
                    sql += " AND " + column + " <> CAST(? AS " + t.tombstone().get().keyType() + ")";
                    params.add(t.tombstone().get().key());
                }
                // Locks the subject's referencing rows, so nobody repoints them before this transaction ends.
                out.add(new PostgresErasurePlan.Capture(t.name(), t.store(), sql + PostgresErasurePlan.Capture.LOCK,
                        via,
                        List.copyOf(params)));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The tombstones of the given tables, each created where missing: parents first (the reverse of erasure
     * order), so a tombstone may point at another table's tombstone (a customer's at an address's). The key
     * column takes its value even where it is an identity column (OVERRIDING SYSTEM VALUE; ignored elsewhere).
     */
    private static List<PostgresErasurePlan.Tombstone> tombstones(PrivacyMap map, List<PrivacyMap.Table> tables,
            Map<String, Catalogue> catalogues) {
        List<PostgresErasurePlan.Tombstone> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables.reversed()) {
            if (t.tombstone().isEmpty()) {
                continue;
            }
            PrivacyMap.Tombstone ts = t.tombstone().get();
            Catalogue catalogue = catalogues.get(t.store());
            String target = quote(map.store(t.store()).schema()) + "." + quote(t.name());
            List<String> columns = new ArrayList<>(List.of(quote(ts.keyColumn())));
            List<String> values = new ArrayList<>(List.of("CAST(? AS " + ts.keyType() + ")"));
            List<Object> params = new ArrayList<>(List.of(ts.key()));
            ts.values().forEach((column, value) -> {
                columns.add(quote(column));
                values.add("CAST(? AS " + catalogue.column(t.name(), column).orElseThrow().sqlType() + ")");
                params.add(value.orElse(null));
            });
            String key = quote(ts.keyColumn());
            out.add(new PostgresErasurePlan.Tombstone(t.name(), t.store(), "INSERT INTO " + target + " ("
                    + String.join(", ", columns) + ") OVERRIDING SYSTEM VALUE VALUES (" + String.join(", ", values)
                    + ") ON CONFLICT (" + key + ") DO NOTHING", java.util.Collections.unmodifiableList(params),
                    "SELECT count(*) FROM " + target + " WHERE " + key + " = CAST(? AS " + ts.keyType() + ")",
                    ts.key()));
        }
        return List.copyOf(out);
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
                + quote(schema) + "." + quote(t.name()) + " t WHERE " + where + "), (SELECT count(*) FROM changed)";
    }

    /**
     * The same guard as two statements, for a transaction whose statements share one snapshot
     * (PostgresErasurePlan.SameSnapshot): the count, then the change.
     */
    private static PostgresErasurePlan.SameSnapshot sameSnapshot(String schema, PrivacyMap.Table t, String where,
            String change) {
        String relation = quote(schema) + "." + quote(t.name());
        return new PostgresErasurePlan.SameSnapshot("SELECT count(*) FROM " + relation + " t WHERE " + where + "; "
                + change
                + " WHERE " + where, relation);
    }

    /** Rows of t (as alias t) that belong to the subject; exactly one placeholder, the subject's key. */
    static String where(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t) {
        return "t." + owned(map, catalogue, t);
    }

    private static String owned(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t) {
        Catalogue.Column column = catalogue.column(t.name(), t.column()).orElseThrow();
        if (t.parent().isEmpty()) {
            return quote(t.column()) + " = CAST(? AS " + column.sqlType() + ")";
        }
        PrivacyMap.Table parent = map.tables().stream().filter(p -> p.name().equals(t.parent().get())).findFirst()
                .orElseThrow();
        return quote(t.column()) + " IN (SELECT " + quote(t.parentKey()) + " FROM "
                + quote(map.store(t.store()).schema()) + "." + quote(parent.name()) + " WHERE "
                + owned(map, catalogue, parent) + ")";
    }

    /**
     * SQL for the subject key (as text) of a row of t known as alias: its belongsTo column, or the parent
     * row's subject key for tables that belong through a parent. Used where rows are picked by something
     * other than a subject (retention, breach windows) and must still be traced to one.
     */
    public static String subjectKey(PrivacyMap map, PrivacyMap.Table t, String alias) {
        if (t.parent().isEmpty()) {
            return alias + "." + quote(t.column()) + "::text";
        }
        PrivacyMap.Table parent = map.table(t.parent().get()).orElseThrow();
        String p = alias + "_p";
        return "(SELECT " + subjectKey(map, parent, p) + " FROM " + quote(map.store(t.store()).schema()) + "."
                + quote(parent.name())
                + " " + p + " WHERE " + p + "." + quote(t.parentKey()) + " = " + alias + "." + quote(t.column()) + ")";
    }
}
