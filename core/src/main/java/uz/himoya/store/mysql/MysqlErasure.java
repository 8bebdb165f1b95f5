package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import uz.himoya.erasure.ErasurePlan;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.privacymap.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/**
 * A subject's erasure in a MySQL 8 / MariaDB 10.6+ store: the counterpart of ErasurePlanner and
 * ErasureExecutor. One change statement per table, never one per row, children before parents (the map's
 * validated order), each guarded by {@link MysqlRowGuard}.
 *
 * <p>A table that belongs to the subject directly is changed with {@code WHERE t.column = ?}. A table that
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
 * p1.id ... FOR UPDATE)}, which counts each row of t once as well and locks the parent rows too.
 */
public final class MysqlErasure {

    private MysqlErasure() {
    }

    /** One app's erasure: the database and its steps in erasure order. */
    public record Plan(String appId, String database, List<Step> steps) {
        public Plan {
            steps = List.copyOf(steps);
        }
    }

    /**
     * One table's guarded change. Placeholders: count, the subject's key once; change, changeParams and then
     * the subject's key. key says how the subject's key is bound against the column it is compared with.
     */
    public record Step(String table, ErasurePlan.Action action, String count, String change, List<Object> changeParams,
            MysqlKey key, List<String> categories, List<String> anonymizedColumns, Optional<String> keptBecause) {
        public Step {
            changeParams = List.copyOf(changeParams);
            categories = List.copyOf(categories);
            anonymizedColumns = List.copyOf(anonymizedColumns);
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
                steps.add(new Step(t.name(), ErasurePlan.Action.ANONYMIZED, owner.count(target),
                        "UPDATE " + target + owner.joins() + " SET " + String.join(", ", sets) + " WHERE "
                                + owner.condition(),
                        params, owner.key(), erased, new ArrayList<>(new TreeSet<>(a.columns().keySet())),
                        Optional.of(a.reason())));
            } else {
                steps.add(new Step(t.name(), ErasurePlan.Action.DELETED, owner.count(target),
                        "DELETE t FROM " + target + owner.joins() + " WHERE " + owner.condition(), List.of(),
                        owner.key(), new ArrayList<>(new TreeSet<>(t.categories().values())), List.of(),
                        Optional.empty()));
            }
        }
        return new Plan(map.app().id(), database, steps);
    }

    /**
     * Runs a plan for one subject on a connection whose transaction the caller owns (auto-commit off), so the
     * erasure of every table, the receipt and the request's new status commit together or not at all. After
     * any exception the caller must roll back: MySQL keeps the statements that ran before a failed one.
     *
     * @throws uz.himoya.db.RowGuard.Violation when a table's rows changed are not its rows counted
     * @throws IllegalArgumentException when the key is not a value of the column it is compared with (nothing
     *         ran for that table)
     */
    public static List<TableOutcome> execute(Connection connection, Plan plan, String subjectKey)
            throws SQLException {
        MysqlDialect.requireTransaction(connection);
        MysqlDialect.requireFoundRows(connection);
        return execute(connection, plan, subjectKey, MysqlRowGuard.Between.NOTHING);
    }

    static List<TableOutcome> execute(Connection connection, Plan plan, String subjectKey,
            MysqlRowGuard.Between between) throws SQLException {
        List<TableOutcome> outcomes = new ArrayList<>(plan.steps().size());
        for (Step step : plan.steps()) {
            if (!step.key().fits(subjectKey)) {
                throw new IllegalArgumentException("table " + step.table() + ": the subject key is not a value of"
                        + " its " + step.key().name().toLowerCase(java.util.Locale.ROOT) + " key column");
            }
            try (PreparedStatement count = connection.prepareStatement(step.count());
                    PreparedStatement change = connection.prepareStatement(step.change())) {
                step.key().bind(count, 1, subjectKey);
                int i = 1;
                for (Object p : step.changeParams()) {
                    change.setObject(i++, p);
                }
                step.key().bind(change, i, subjectKey);
                long rows = MysqlRowGuard.execute(connection, count, change, step.table(), "app=" + plan.appId(),
                        between);
                outcomes.add(new TableOutcome(step.table(), step.action(), rows, step.categories(),
                        step.anonymizedColumns(), step.keptBecause()));
            }
        }
        return outcomes;
    }

    /**
     * How rows of a table (alias t) reach the subject: the joins up its parent chain (empty for a table that
     * names the subject), the condition with the one placeholder, and the chain as a semi-join for the count.
     */
    private record Owner(String joins, String condition, String semiJoin, MysqlKey key) {
        String count(String target) {
            return "SELECT count(*) FROM " + target + " WHERE " + semiJoin + " FOR UPDATE";
        }
    }

    private static Owner owner(PrivacyMap map, Catalogue catalogue, String database, PrivacyMap.Table t) {
        if (t.parent().isEmpty()) {
            String condition = column("t", t.column()) + " = ?";
            return new Owner("", condition, condition, key(catalogue, t));
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
        String semiJoin = column("t", t.column()) + " IN (SELECT " + column("p1", t.parentKey()) + " FROM " + from
                + " WHERE " + condition + " FOR UPDATE)";
        return new Owner(joins.toString(), condition, semiJoin, key(catalogue, child));
    }

    /** How the subject's key is bound for the table that names the subject. */
    private static MysqlKey key(Catalogue catalogue, PrivacyMap.Table named) {
        return MysqlKey.require(catalogue.column(named.name(), named.column()).orElseThrow(), "table "
                + named.name() + ": column");
    }
}
