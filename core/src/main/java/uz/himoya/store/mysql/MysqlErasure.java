package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import uz.himoya.erasure.CutLoose;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.TombstoneMissing;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.erasure.ErasureAction;

/**
 * A subject's erasure in a MySQL 8 / MariaDB 10.6+ store: the counterpart of PostgresErasurePlanner and
 * PostgresErasureExecutor. One change statement per table, never one per row, children before parents (the map's
 * validated order), each guarded by {@link MysqlRowGuard}.
 *
 * <p>A table that belongs to the subject directly is changed with {@code WHERE column = ?} (a single-table
 * {@code DELETE FROM db.t WHERE column = ?}, or {@code UPDATE db.t AS t ... WHERE t.column = ?}). A table that
 * belongs through parents ({@code belongsTo: {column: order_id, parent: orders}}) is changed with a
 * multi-table statement that joins the parent chain up to the table that names the subject:
 *
 * <pre>
 * DELETE t FROM db.order_items AS t JOIN db.orders AS p1 ON p1.id = t.order_id WHERE p1.user_id = ?
 * UPDATE db.order_items AS t JOIN db.orders AS p1 ON p1.id = t.order_id SET t.gift_note = NULL WHERE p1.user_id = ?
 * </pre>
 *
 * MySQL refuses a subquery on the table a statement changes, and a join lets it walk the parents' indexes
 * from the subject's key down; a multi-table statement changes (and counts) each row of t once even where
 * a parent key repeats. The guard's count names the same rows as a semi-join, {@code t.order_id IN (SELECT
 * p1.id ...)}, which counts each row of t once as well: first read from the snapshot, and where that is not
 * what the change found, again as {@code ... IN (SELECT p1.id ... FOR UPDATE) FOR UPDATE}, which locks the
 * parent rows too ({@link MysqlRowGuard}).
 *
 * <p>A referenced table ({@code referencedBy}, docs/privacy-map.md) is reached through keys captured before any
 * step runs, and deleted with an anti-join (referencedStep); tombstones are made sure of first of all.
 */
public final class MysqlErasure {

    private MysqlErasure() {
    }

    /**
     * One app's erasure: the database, its steps in erasure order, and what runs before them in the same
     * transaction: the tombstones made sure of (parents first), then the captures of the keys the subject's rows
     * point at in referenced tables.
     */
    public record Plan(String appId, String database, List<Step> steps, List<Capture> captures,
            List<Tombstone> tombstones) {
        public Plan {
            steps = List.copyOf(steps);
            captures = List.copyOf(captures);
            tombstones = List.copyOf(tombstones);
        }

        public Plan(String appId, String database, List<Step> steps) {
            this(appId, database, steps, List.of(), List.of());
        }
    }

    /**
     * One table's guarded change. Placeholders: count, the subject's key once; change, changeParams and then
     * the subject's key. key says how the subject's key is bound against the column it is compared with. A step
     * on a referenced table (ids: the capture it takes its keys from) has {@value #IDS} where the subject's key
     * would be, and binds there one placeholder per captured key, each as key says. count is the locking count
     * ({@code FOR UPDATE}); snapshotCount, where present, the same count without a lock, which the guard tries
     * first ({@link MysqlRowGuard#execute(Connection, PreparedStatement, PreparedStatement, PreparedStatement,
     * String, String, MysqlRowGuard.Between)}).
     */
    public record Step(String table, ErasureAction action, String count, String change, List<Object> changeParams,
            MysqlKey key, List<String> categories, List<String> anonymizedColumns, Optional<String> keptBecause,
            Optional<String> ids, List<CutLoose> cutLoose, Optional<String> snapshotCount) {
        public Step {
            changeParams = java.util.Collections.unmodifiableList(new ArrayList<>(changeParams));
            categories = List.copyOf(categories);
            anonymizedColumns = List.copyOf(anonymizedColumns);
            cutLoose = List.copyOf(cutLoose);
        }

        /** A step that counts under lock only (a referenced table's, or a test's). */
        public Step(String table, ErasureAction action, String count, String change, List<Object> changeParams,
                MysqlKey key, List<String> categories, List<String> anonymizedColumns, Optional<String> keptBecause,
                Optional<String> ids, List<CutLoose> cutLoose) {
            this(table, action, count, change, changeParams, key, categories, anonymizedColumns, keptBecause, ids,
                    cutLoose, Optional.empty());
        }

        public Step(String table, ErasureAction action, String count, String change, List<Object> changeParams,
                MysqlKey key, List<String> categories, List<String> anonymizedColumns, Optional<String> keptBecause) {
            this(table, action, count, change, changeParams, key, categories, anonymizedColumns, keptBecause,
                    Optional.empty(), List.of());
        }
    }

    /** Where a statement takes the captured keys of a referenced table: one placeholder per key, in a list. */
    static final String IDS = "{ids}";

    /**
     * Reads which rows of a referenced table one reference leads to: {@code SELECT t.column FROM referencing
     * table AS t ... WHERE <its rows of the subject> AND t.column IS NOT NULL FOR UPDATE}. Its first
     * placeholder is the subject's key (bound as key says), or, when via names a referenced table (a chain of
     * references), {@value #IDS}: the keys captured for via. Then, where the referenced table has a tombstone,
     * its key (as tombstoneKind says), which is never captured.
     *
     * @param table the referenced table the keys are of
     */
    public record Capture(String table, String sql, Optional<String> via, MysqlKey key, Optional<String> tombstone,
            MysqlKey tombstoneKind) {
        /** What ends the statement: the subject's referencing rows stay put until the erasure commits. */
        static final String LOCK = " FOR UPDATE";

        /** The same read without the lock, for a reader that changes nothing (MysqlSubjectRows). */
        public String read() {
            if (!sql.endsWith(LOCK)) {
                throw new IllegalStateException("a capture that takes no row lock");
            }
            return sql.substring(0, sql.length() - LOCK.length());
        }
    }

    /**
     * Creates a table's tombstone where it is missing ({@code INSERT ... ON DUPLICATE KEY UPDATE key = key}, a
     * no-op where it exists), then checks it is there; values are bound in column order after the key.
     */
    public record Tombstone(String table, String insert, String key, MysqlKey keyKind, List<Object> values,
            String check) {
        public Tombstone {
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    /**
     * Plans the tables one store of a validated map holds (already in erasure order) against that store's
     * catalogue, whose database must be the store's schema. Identifiers come only from the catalogue, quoted.
     */
    public static Plan plan(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        String database = catalogue.schema();
        if (!database.equals(map.store(store).schema())) {
            throw new IllegalArgumentException("the store's schema is not the catalogue's database");
        }
        List<Step> steps = new ArrayList<>();
        for (PrivacyMap.Table t : map.tablesOf(store)) {
            if (t.referenced()) {
                steps.add(referencedStep(catalogue, database, t));
                continue;
            }
            Owner owner = owner(map, catalogue, database, t);
            String target = qualified(database, t.name()) + " AS t";
            if (t.erasure() instanceof PrivacyMap.Anonymize a) {
                List<Object> params = new ArrayList<>();
                List<String> sets = new ArrayList<>();
                for (Map.Entry<String, AnonymizationStrategy> e : new TreeMap<>(a.columns()).entrySet()) {
                    Catalogue.Column c = catalogue.column(t.name(), e.getKey()).orElseThrow();
                    String col = column("t", e.getKey());
                    sets.add(col + " = " + MysqlDialect.anonymized(col, e.getValue(), c, pseudonymKey, params));
                }
                // Only the categories of the columns actually overwritten were erased; the rest is kept.
                List<String> erased = new ArrayList<>(new TreeSet<>(a.columns().keySet().stream()
                        .map(t.categories()::get).filter(x -> x != null).toList()));
                List<CutLoose> cut = CutLoose.of(map, catalogue, t, a);
                steps.add(new Step(t.name(), CutLoose.onlyLinks(cut, a) ? ErasureAction.CUT_LOOSE
                        : ErasureAction.ANONYMIZED, owner.count(target),
                        "UPDATE " + target + owner.joins() + " SET " + String.join(", ", sets) + " WHERE "
                                + owner.condition(),
                        params, owner.key(), erased, new ArrayList<>(new TreeSet<>(a.columns().keySet())),
                        Optional.of(a.reason()), Optional.empty(), cut, Optional.of(owner.snapshotCount(target))));
            } else {
                // A table that names the subject: a single-table DELETE. MariaDB runs even a one-table multi-table
                // DELETE on its slower multi-table path (about a tenth more for the statement, measured by
                // bin/bench-erasure-mariadb); the single-table form takes no alias, so its column goes unqualified.
                String change = t.parent().isEmpty()
                        ? "DELETE FROM " + qualified(database, t.name()) + " WHERE " + MysqlDialect.quote(t.column())
                                + " = ?"
                        : "DELETE t FROM " + target + owner.joins() + " WHERE " + owner.condition();
                steps.add(new Step(t.name(), ErasureAction.DELETED, owner.count(target), change, List.of(),
                        owner.key(), new ArrayList<>(new TreeSet<>(t.categories().values())), List.of(),
                        Optional.empty(), Optional.empty(), List.of(), Optional.of(owner.snapshotCount(target))));
            }
        }
        List<PrivacyMap.Table> tables = map.tablesOf(store);
        return new Plan(map.app().id(), database, steps, captures(map, catalogue, database, tables),
                tombstones(catalogue, database, tables));
    }

    /**
     * The rows of a referenced table that the subject's rows point at (the captured keys) and that no row of any
     * table of the database points at any more, mapped or not, kept or not: an anti-join, a LEFT JOIN per foreign
     * key that references the table and IS NULL on its other side. The subject's own referencing rows are gone or
     * cut loose by then (they come first in erasure order), so what keeps a row here is another subject's row, or
     * a row the map keeps or does not map: a shared address stays. MySQL refuses a subquery on the table a DELETE
     * deletes from, which a self-reference (address.parent_id) would need; a multi-table DELETE may join it.
     *
     * <pre>
     * DELETE t FROM db.address AS t LEFT JOIN db.customer AS r1 ON r1.address_id = t.address_id
     *   LEFT JOIN db.staff AS r2 ON r2.address_id = t.address_id
     *  WHERE t.address_id IN (?, ?) AND r1.address_id IS NULL AND r2.address_id IS NULL
     * </pre>
     *
     * The count names the same rows with NOT EXISTS, under FOR UPDATE, which locks the address rows only (a
     * locking read does not lock what its subqueries read): a new row can then not point at a counted address
     * (its foreign key check waits for the lock), and Himoya needs no more than SELECT on the referencing tables
     * it does not map (MySQL 8 asks UPDATE or DELETE of every table a locking read locks). A referencing row
     * removed by someone else between the two is the one drift left, and the guard refuses it.
     */
    private static Step referencedStep(Catalogue catalogue, String database, PrivacyMap.Table t) {
        String key = t.referencedBy().get(0).key();
        String target = qualified(database, t.name()) + " AS t";
        StringBuilder from = new StringBuilder(target);
        String ids = column("t", key) + " IN (" + IDS + ")";
        List<String> unjoined = new ArrayList<>(List.of(ids));
        List<String> unreferenced = new ArrayList<>(List.of(ids));
        int n = 0;
        for (Catalogue.ForeignKey fk : catalogue.foreignKeys()) {
            if (!fk.referencedTable().equals(t.name())) {
                continue;
            }
            String alias = "r" + (++n);
            List<String> on = new ArrayList<>();
            for (int i = 0; i < fk.columns().size(); i++) {
                on.add(column(alias, fk.columns().get(i)) + " = " + column("t", fk.referencedColumns().get(i)));
            }
            String referencing = qualified(database, fk.table()) + " AS " + alias;
            from.append(" LEFT JOIN ").append(referencing).append(" ON ").append(String.join(" AND ", on));
            unjoined.add(column(alias, fk.columns().get(0)) + " IS NULL");
            unreferenced.add("NOT EXISTS (SELECT 1 FROM " + referencing + " WHERE " + String.join(" AND ", on) + ")");
        }
        return new Step(t.name(), ErasureAction.DELETED, "SELECT count(*) FROM " + target + " WHERE "
                + String.join(" AND ", unreferenced) + " FOR UPDATE", "DELETE t FROM " + from + " WHERE "
                + String.join(" AND ", unjoined), List.of(),
                MysqlKey.require(catalogue.column(t.name(), key).orElseThrow(), "table " + t.name() + ": column"),
                new ArrayList<>(new TreeSet<>(t.categories().values())), List.of(), Optional.empty(),
                Optional.of(t.name()), List.of());
    }

    /**
     * For each reference of each referenced table, in erasure order (a referencing table comes before the table
     * it references, so a chain's earlier keys are captured first): the keys its rows of the subject point at.
     * The locking read keeps anybody from repointing those rows before the transaction ends.
     */
    static List<Capture> captures(PrivacyMap map, Catalogue catalogue, String database,
            List<PrivacyMap.Table> tables) {
        List<Capture> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            for (PrivacyMap.Reference r : t.referencedBy()) {
                PrivacyMap.Table from = map.table(r.table()).orElseThrow();
                String col = column("t", r.column());
                String sql;
                Optional<String> via = Optional.empty();
                MysqlKey kind;
                if (from.referenced()) {
                    String fromKey = from.referencedBy().get(0).key();
                    sql = "SELECT " + col + " FROM " + qualified(database, from.name()) + " AS t WHERE "
                            + column("t", fromKey) + " IN (" + IDS + ")";
                    via = Optional.of(from.name());
                    kind = MysqlKey.require(catalogue.column(from.name(), fromKey).orElseThrow(), "table "
                            + from.name() + ": column");
                } else {
                    Owner owner = owner(map, catalogue, database, from);
                    sql = "SELECT " + col + " FROM " + qualified(database, from.name()) + " AS t" + owner.joins()
                            + " WHERE " + owner.condition();
                    kind = owner.key();
                }
                sql += " AND " + col + " IS NOT NULL";
                Optional<String> tombstone = t.tombstone().map(PrivacyMap.Tombstone::key);
                if (tombstone.isPresent()) {
                    sql += " AND " + col + " <> ?";
                }
                out.add(new Capture(t.name(), sql + Capture.LOCK, via, kind, tombstone, MysqlKey.require(
                        catalogue.column(t.name(), r.key()).orElseThrow(), "table " + t.name() + ": column")));
            }
        }
        return List.copyOf(out);
    }

    /** The tombstones of the tables, parents first (the reverse of erasure order). */
    private static List<Tombstone> tombstones(Catalogue catalogue, String database, List<PrivacyMap.Table> tables) {
        List<Tombstone> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables.reversed()) {
            if (t.tombstone().isEmpty()) {
                continue;
            }
            PrivacyMap.Tombstone ts = t.tombstone().get();
            String target = qualified(database, t.name());
            List<String> columns = new ArrayList<>(List.of(MysqlDialect.quote(ts.keyColumn())));
            List<Object> values = new ArrayList<>();
            ts.values().forEach((name, value) -> {
                columns.add(MysqlDialect.quote(name));
                values.add(tombstoneValue(catalogue.column(t.name(), name).orElseThrow(), value));
            });
            String key = MysqlDialect.quote(ts.keyColumn());
            String marks = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
            out.add(new Tombstone(t.name(), "INSERT INTO " + target + " (" + String.join(", ", columns) + ") VALUES ("
                    + marks + ") ON DUPLICATE KEY UPDATE " + key + " = " + key, ts.key(), MysqlKey.require(
                            catalogue.column(t.name(), ts.keyColumn()).orElseThrow(), "table " + t.name()
                                    + ": tombstone key column"), values,
                    "SELECT count(*) FROM " + target + " WHERE " + key + " = ?"));
        }
        return List.copyOf(out);
    }

    /**
     * A tombstone value as the map writes it, bound as a string that MySQL converts on assignment (strict mode
     * refuses one that does not fit), except booleans: MySQL's BOOLEAN is TINYINT(1), which takes 1 and 0, not
     * true and false as PostgreSQL's boolean does, so one map serves both.
     */
    private static Object tombstoneValue(Catalogue.Column column, Optional<String> value) {
        if (value.isEmpty()) {
            return null;
        }
        String v = value.get();
        if (column.sqlType().toLowerCase(java.util.Locale.ROOT).startsWith("tinyint(1)")) {
            if (v.equalsIgnoreCase("true")) {
                return 1;
            }
            if (v.equalsIgnoreCase("false")) {
                return 0;
            }
        }
        return v;
    }

    /**
     * Runs a plan for one subject on a connection whose transaction the caller owns (auto-commit off), so the
     * erasure of every table, the receipt and the request's new status commit together or not at all. After
     * any exception the caller must roll back: MySQL keeps the statements that ran before a failed one.
     *
     * @throws uz.himoya.db.RowGuard.Violation when a table's rows changed are not its rows counted
     * @throws IllegalArgumentException when the key is not a value of the column it is compared with (nothing
     *         ran)
     */
    public static List<TableOutcome> execute(Connection connection, Plan plan, String subjectKey)
            throws SQLException {
        MysqlDialect.requireTransaction(connection);
        MysqlDialect.requireFoundRows(connection);
        return execute(connection, plan, subjectKey, MysqlRowGuard.Between.NOTHING);
    }

    static List<TableOutcome> execute(Connection connection, Plan plan, String subjectKey,
            MysqlRowGuard.Between between) throws SQLException {
        for (Step step : plan.steps()) {
            if (step.ids().isEmpty() && !step.key().fits(subjectKey)) {
                throw new IllegalArgumentException("table " + step.table() + ": the subject key is not a value of"
                        + " its " + step.key().name().toLowerCase(java.util.Locale.ROOT) + " key column");
            }
        }
        for (Capture cap : plan.captures()) {
            if (cap.via().isEmpty() && !cap.key().fits(subjectKey)) {
                throw new IllegalArgumentException("table " + cap.table() + ": the subject key is not a value of"
                        + " the key column it is found by");
            }
        }
        for (Tombstone t : plan.tombstones()) {
            ensure(connection, t);
        }
        Map<String, Set<String>> captured = capture(connection, plan.captures(), subjectKey, true);
        List<TableOutcome> outcomes = new ArrayList<>(plan.steps().size());
        for (Step step : plan.steps()) {
            long rows = 0;
            List<String> ids = step.ids().map(t -> List.copyOf(captured.getOrDefault(t, Set.of()))).orElse(null);
            if (ids == null || !ids.isEmpty()) {
                String marks = ids == null ? "" : String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
                try (PreparedStatement count = connection.prepareStatement(step.count().replace(IDS, marks));
                        PreparedStatement change = connection.prepareStatement(step.change().replace(IDS, marks));
                        PreparedStatement snapshot = step.snapshotCount().isEmpty() ? null
                                : connection.prepareStatement(step.snapshotCount().get())) {
                    bindKeys(count, 1, step.key(), ids, subjectKey);
                    if (snapshot != null) {
                        bindKeys(snapshot, 1, step.key(), ids, subjectKey);
                    }
                    int i = 1;
                    for (Object p : step.changeParams()) {
                        change.setObject(i++, p);
                    }
                    bindKeys(change, i, step.key(), ids, subjectKey);
                    rows = MysqlRowGuard.execute(connection, snapshot, count, change, step.table(),
                            "app=" + plan.appId(), between);
                }
            }
            outcomes.add(new TableOutcome(step.table(), step.action(), rows, step.categories(),
                    step.anonymizedColumns(), step.keptBecause(), step.cutLoose()));
        }
        return outcomes;
    }

    /** The subject's key, or each captured key (ids not null), from index first; returns the next index. */
    static int bindKeys(PreparedStatement ps, int first, MysqlKey key, List<String> ids, String subjectKey)
            throws SQLException {
        if (ids == null) {
            key.bind(ps, first, subjectKey);
            return first + 1;
        }
        int i = first;
        for (String id : ids) {
            key.bind(ps, i++, id);
        }
        return i;
    }

    /**
     * The keys of the rows of each referenced table that the subject's rows point at, by table; lock: whether the
     * referencing rows are locked (the erasure) or only read (MysqlSubjectRows).
     */
    static Map<String, Set<String>> capture(Connection c, List<Capture> captures, String subjectKey, boolean lock)
            throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        for (Capture cap : captures) {
            Set<String> into = out.computeIfAbsent(cap.table(), k -> new LinkedHashSet<>());
            List<String> via = cap.via().map(v -> List.copyOf(out.getOrDefault(v, Set.of()))).orElse(null);
            if (via != null && via.isEmpty()) {
                continue;
            }
            String marks = via == null ? "" : String.join(", ", java.util.Collections.nCopies(via.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement((lock ? cap.sql() : cap.read()).replace(IDS, marks))) {
                int i = bindKeys(ps, 1, cap.key(), via, subjectKey);
                if (cap.tombstone().isPresent()) {
                    cap.tombstoneKind().bind(ps, i, cap.tombstone().get());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        into.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Creates a tombstone where missing and checks it is there. NO_AUTO_VALUE_ON_ZERO for the insert only: with
     * MySQL's default modes, 0 written to an AUTO_INCREMENT key (Sakila's customer_id) means "the next id", and
     * the tombstone would get a real customer's number. The session's mode is put back whatever happens.
     */
    static void ensure(Connection c, Tombstone t) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET @himoya_sql_mode = @@SESSION.sql_mode");
            s.execute("SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'NO_AUTO_VALUE_ON_ZERO')");
            try (PreparedStatement ps = c.prepareStatement(t.insert())) {
                t.keyKind().bind(ps, 1, t.key());
                int i = 2;
                for (Object v : t.values()) {
                    if (v == null) {
                        ps.setNull(i++, Types.VARCHAR);
                    } else {
                        ps.setObject(i++, v);
                    }
                }
                ps.executeUpdate();
            } finally {
                s.execute("SET SESSION sql_mode = @himoya_sql_mode");
            }
        }
        try (PreparedStatement ps = c.prepareStatement(t.check())) {
            t.keyKind().bind(ps, 1, t.key());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 1) {
                    throw new TombstoneMissing(t.table());
                }
            }
        }
    }

    /**
     * How rows of a table (alias t) reach the subject: the joins up its parent chain (empty for a table that
     * names the subject), the condition with the one placeholder, and the chain as a semi-join for the count;
     * reached: the same semi-join without the lock, for a read (MysqlSubjectRows).
     */
    record Owner(String joins, String condition, String semiJoin, String reached, MysqlKey key) {
        String count(String target) {
            return "SELECT count(*) FROM " + target + " WHERE " + semiJoin + " FOR UPDATE";
        }

        /** The same count as a plain read of the transaction's snapshot: no lock, an index-only scan. */
        String snapshotCount(String target) {
            return "SELECT count(*) FROM " + target + " WHERE " + reached;
        }
    }

    static Owner owner(PrivacyMap map, Catalogue catalogue, String database, PrivacyMap.Table t) {
        if (t.parent().isEmpty()) {
            String condition = column("t", t.column()) + " = ?";
            return new Owner("", condition, condition, condition, key(catalogue, t));
        }
        StringBuilder joins = new StringBuilder();
        String from = null; // the semi-join's FROM: the first parent, then the joins above it
        String childAlias = "t";
        PrivacyMap.Table child = t;
        int depth = 0;
        while (child.parent().isPresent()) {
            PrivacyMap.Table parent = map.table(child.parent().get()).orElseThrow();
            String alias = "p" + (++depth);
            String on = column(alias, child.parentKey()) + " = " + column(childAlias, child.column());
            joins.append(" JOIN ").append(qualified(database, parent.name())).append(" AS ").append(alias)
                    .append(" ON ").append(on);
            from = from == null ? qualified(database, parent.name()) + " AS " + alias
                    : from + " JOIN " + qualified(database, parent.name()) + " AS " + alias + " ON " + on;
            childAlias = alias;
            child = parent;
        }
        String condition = column(childAlias, child.column()) + " = ?";
        String reached = column("t", t.column()) + " IN (SELECT " + column("p1", t.parentKey()) + " FROM " + from
                + " WHERE " + condition;
        return new Owner(joins.toString(), condition, reached + " FOR UPDATE)", reached + ")", key(catalogue, child));
    }

    /** How the subject's key is bound for the table that names the subject. */
    private static MysqlKey key(Catalogue catalogue, PrivacyMap.Table named) {
        return MysqlKey.require(catalogue.column(named.name(), named.column()).orElseThrow(), "table "
                + named.name() + ": column");
    }
}
