package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.ConditionValues;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SweepRule;

/**
 * The retention rules of a validated map for a MySQL 8 / MariaDB 10.6+ store, as {@link SweepRule}s: the
 * counterpart of PostgresRetention and PostgresSweepRule. A batch is guarded like an erasure step:
 *
 * <pre>
 * SELECT pk..., column FROM db.t AS t WHERE column &lt; ? [AND ...] [AND (column, pk) &gt; cursor]
 *  ORDER BY column, pk LIMIT ? FOR UPDATE SKIP LOCKED
 * DELETE FROM db.t WHERE (db.t.pk...) IN ((?...), ...)    -- or UPDATE db.t AS t SET strategies WHERE (t.pk...) IN ...
 * </pre>
 *
 * The rows are picked and locked by their primary key, then changed by exactly those keys in one
 * statement, and the rows it found must equal the rows picked ({@link uz.himoya.db.RowGuard.Violation} otherwise;
 * the caller rolls back). A table without a primary key has no such identity in MySQL and is refused.
 * The keyset cursor (column value, primary key) lets each batch start where the last stopped, on an index
 * over the column; SKIP LOCKED leaves rows the app is writing right now to the next sweep. Where a fifth or more
 * of the table is past retention, a run walks the primary key instead ({@link Walk}): the same statements with
 * {@code ORDER BY pk...} and the cursor {@code pk > ?}.
 *
 * <p>On MariaDB a DELETE rule's batch is first tried as one statement, with the same condition, order and
 * limit:
 *
 * <pre>
 * SET STATEMENT innodb_lock_wait_timeout = 0 FOR DELETE FROM db.t WHERE column &lt; ? [AND ...] [AND cursor]
 *  ORDER BY column, pk LIMIT ? RETURNING pk..., column      -- a KEY walk: ORDER BY pk... RETURNING pk...
 * </pre>
 *
 * Why: the pick reaches each row through the column's index and locks it in the primary key, and the DELETE
 * by keys descends the primary key to it again; on the MariaDB benchmark (bin/bench-retention-mariadb) the two
 * statements cost the server's connection thread 1.45 to 1.6 times the CPU of a hand-written loop, the one
 * statement 1.2 to 1.3 times. The one statement reaches each row once, and returns exactly the rows it deleted,
 * which are the batch's count and cursor: there is no moment between a pick and a change for the two to
 * differ. What SKIP LOCKED gives is kept: the statement never waits for a row another transaction holds
 * (the lock wait timeout of 0 fails it at once, error 1205, and MariaDB undoes it), and the batch is then
 * picked with SKIP LOCKED as above. MySQL 8 has no DELETE ... RETURNING and MariaDB no UPDATE ... RETURNING,
 * so MySQL 8 and anonymizing rules always pick first.
 *
 * <p>Times are UTC. DATETIME and DATE columns are taken to hold UTC (MySQL stores no zone with them);
 * TIMESTAMP columns are compared with {@code FROM_UNIXTIME(?)}, which presents the instant in the session's
 * time zone as MySQL presents the column, so they are right in any session time zone. Calendar periods
 * (P2Y) are counted in the app's zone, as on PostgreSQL.
 *
 * <p>Anonymizing rules are idempotent as on PostgreSQL: each strategy has a "done" test (NULL, the marker,
 * the fixed value, or 64 lower-case hex characters), rows whose columns are all done are not picked again,
 * and a keyed-hash column already holding a hash is not hashed twice.
 */
public final class MysqlRetention {
    /** A keyed hash, matched case-sensitively (utf8mb4_bin) whatever the column's collation. */
    static final String HEX64 = "^[0-9a-f]{64}$";

    private MysqlRetention() {
    }

    /** Every retention rule on the tables one store of a validated map holds, in the map's order. */
    public static List<Rule> plan(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        List<Rule> rules = new ArrayList<>();
        for (PrivacyMap.Table t : map.tablesOf(store)) {
            t.retention().ifPresent(r -> rules.add(compile(map, catalogue, t, r, pseudonymKey)));
        }
        return List.copyOf(rules);
    }

    /** A column the rule compares with a cut-off: how its bound value is written. */
    private record Cut(String sql, boolean timestamp) {
    }

    static Rule compile(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Retention r,
            String pseudonymKey) {
        String database = catalogue.schema();
        if (!database.equals(map.store(t.store()).schema())) {
            throw new IllegalArgumentException("the store's schema is not the catalogue's database");
        }
        List<String> pk = catalogue.relations().get(t.name()).primaryKey();
        if (pk.isEmpty()) {
            throw new IllegalArgumentException("table " + t.name() + ": a retention rule on MySQL needs a primary"
                    + " key to pick rows by");
        }
        List<KeyPart> key = new ArrayList<>();
        for (String p : pk) {
            Catalogue.Column c = catalogue.column(t.name(), p).orElseThrow();
            Optional<MysqlKey> kind = MysqlKey.of(c);
            if (kind.isEmpty() && !c.temporal()) {
                throw new IllegalArgumentException("table " + t.name() + ": primary key column " + p + " is "
                        + c.sqlType() + "; a retention cursor needs number, text, uuid or date parts");
            }
            key.add(new KeyPart(column("t", p), kind.orElse(MysqlKey.TEXT)));
        }
        List<TemporalAmount> cutoffs = new ArrayList<>();
        List<Boolean> timestamps = new ArrayList<>();
        UnaryOperator<String> onAlias = name -> column("t", name);
        List<Object> filterParams = new ArrayList<>();
        StringBuilder filter = expired(catalogue, t, r, onAlias, cutoffs, timestamps, filterParams);
        List<Object> changeParams = new ArrayList<>();
        String change;
        String changeKeys;
        String action;
        String target = qualified(database, t.name()) + " AS t";
        String table = qualified(database, t.name());
        Direct direct = null;
        if (r.action() instanceof PrivacyMap.Anonymize a) {
            action = "ANONYMIZE";
            List<String> done = new ArrayList<>();
            List<String> sets = new ArrayList<>();
            for (Map.Entry<String, AnonymizationStrategy> e : new TreeMap<>(a.columns()).entrySet()) {
                Catalogue.Column c = catalogue.column(t.name(), e.getKey()).orElseThrow();
                String col = column("t", e.getKey());
                done.add(done(col, e.getValue(), filterParams));
                sets.add(set(col, e.getValue(), c, pseudonymKey, changeParams));
            }
            filter.append(" AND NOT (").append(String.join(" AND ", done)).append(")");
            change = "UPDATE " + target + " SET " + String.join(", ", sets) + " WHERE ";
            changeKeys = String.join(", ", key.stream().map(KeyPart::sql).toList());
        } else {
            action = "DELETE";
            // The single-table form, its columns named through the table (it takes no alias before MariaDB
            // 11.6): the multi-table form (DELETE t FROM ... AS t) makes MariaDB turn an IN list of 1,000 values
            // or more into a derived table it joins (in_predicate_conversion_threshold), where the single-table
            // form reads the primary key's ranges directly; a batch of 5,000 took about twice as long that way.
            change = "DELETE FROM " + table + " WHERE ";
            UnaryOperator<String> onTable = name -> table + "." + MysqlDialect.quote(name);
            changeKeys = String.join(", ", pk.stream().map(onTable).toList());
            if (map.store(t.store()).kind() == PrivacyMap.StoreKind.MARIADB) {
                // The same rows, named through the table: the condition binds the same values in the same order.
                String expiredOnTable = expired(catalogue, t, r, onTable, new ArrayList<>(), new ArrayList<>(),
                        new ArrayList<>()).toString();
                direct = new Direct(table, expiredOnTable, owner(map, catalogue, database, t, onTable),
                        onTable.apply(r.column()), onTable.apply(pk.get(0)), changeKeys);
            }
        }
        Owner owner = owner(map, catalogue, database, t, onAlias);
        return new Rule(t.name(), action, r.reason(), target, column("t", r.column()), key, List.copyOf(cutoffs),
                List.copyOf(timestamps), filter.toString(), List.copyOf(filterParams), owner, change, changeKeys,
                List.copyOf(changeParams), map.app().jurisdiction().zone(), direct);
    }

    /**
     * The rule's condition on the row's own columns, each named by col: past the cut-off, the map's
     * {@code when} checks, and not the table's tombstone. Appends the periods and whether each cut-off is
     * compared as a TIMESTAMP, in the order their values are bound, then the other values (params). Every
     * cut-off is bound before the other values (Rule.where), so the checks against a period come first in the
     * SQL too.
     */
    private static StringBuilder expired(Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Retention r,
            UnaryOperator<String> col, List<TemporalAmount> cutoffs, List<Boolean> timestamps, List<Object> params) {
        Cut main = cut(catalogue, t, r.column());
        cutoffs.add(r.keep());
        timestamps.add(main.timestamp());
        StringBuilder filter = new StringBuilder(col.apply(r.column()) + " < " + main.sql());
        for (PrivacyMap.Condition.Check check : r.checks()) {
            if (check instanceof PrivacyMap.Condition.OlderThan o) {
                Cut also = cut(catalogue, t, o.column());
                filter.append(" AND ").append(col.apply(o.column())).append(" < ").append(also.sql());
                cutoffs.add(o.period());
                timestamps.add(also.timestamp());
            }
        }
        for (PrivacyMap.Condition.Check check : r.checks()) {
            switch (check) {
                case PrivacyMap.Condition.OlderThan o -> {
                    // above
                }
                case PrivacyMap.Condition.IsNull n -> filter.append(" AND ").append(col.apply(n.column()))
                        .append(" IS NULL");
                case PrivacyMap.Condition.OneOf o -> filter.append(" AND ").append(oneOf(catalogue, t, o, col,
                        params));
            }
        }
        // A table's tombstone is nobody's row: no sweep picks it (deleting it would fail on every kept row
        // pointing at it).
        t.tombstone().ifPresent(ts -> {
            filter.append(" AND ").append(col.apply(ts.keyColumn())).append(" <> ?");
            params.add(ts.key());
        });
        return filter;
    }

    /**
     * column IN (?, ...), the values bound. Text is compared as its UTF-8 bytes, as PostgreSQL compares it:
     * under the column's own collation (utf8mb4_unicode_ci and the like) "cancelled" would also take
     * "Cancelled", "cancelléd" and, with PAD SPACE, "cancelled ", rows the map never named. An enum's values
     * are its labels exactly (the validator checked them), which the column's collation tells apart.
     */
    private static String oneOf(Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Condition.OneOf o,
            UnaryOperator<String> named, List<Object> params) {
        Catalogue.Column c = catalogue.column(t.name(), o.column()).orElseThrow();
        String col = named.apply(o.column());
        boolean text = ConditionValues.kind(c).orElseThrow() == ConditionValues.Kind.TEXT;
        String compared = text ? "CAST(CONVERT(" + col + " USING utf8mb4) AS BINARY)" : col;
        String one = text ? "CAST(CONVERT(? USING utf8mb4) AS BINARY)" : "?";
        o.values().forEach(v -> params.add(ConditionValues.value(c, v)));
        return compared + " IN (" + String.join(", ", Collections.nCopies(o.values().size(), one)) + ")";
    }

    private static Cut cut(Catalogue catalogue, PrivacyMap.Table t, String name) {
        Catalogue.Column c = catalogue.column(t.name(), name).orElseThrow();
        boolean timestamp = c.sqlType().toLowerCase(Locale.ROOT).startsWith("timestamp");
        return new Cut(timestamp ? "FROM_UNIXTIME(?)" : "?", timestamp);
    }

    /** The test that a column already holds what the strategy writes. Always true or false, never NULL. */
    static String done(String col, AnonymizationStrategy s, List<Object> params) {
        return switch (s) {
            case NullStrategy n -> col + " IS NULL";
            case RedactStrategy r -> {
                params.add(RedactStrategy.MARKER);
                yield col + " <=> ?"; // MySQL's IS NOT DISTINCT FROM
            }
            case FixedStrategy f -> {
                params.add(f.value());
                yield col + " <=> ?";
            }
            // NULL stays NULL under keyed-hash, so NULL is done too.
            case KeyedHashStrategy k -> {
                params.add(HEX64);
                yield "(" + col + " IS NULL OR " + hashed(col) + ")";
            }
            // Pseudonyms are negative, real ids are not (KeyedNumberStrategy).
            case KeyedNumberStrategy k -> "(" + col + " IS NULL OR " + col + " < 0)";
            case TombstoneStrategy t -> {
                params.add(t.requireKey());
                yield col + " <=> ?";
            }
        };
    }

    /** SET column = strategy, guarded for keyed-hash so that a pseudonym is never hashed again. */
    static String set(String col, AnonymizationStrategy s, Catalogue.Column c, String pseudonymKey,
            List<Object> params) {
        if (s instanceof KeyedNumberStrategy) {
            String expression = MysqlDialect.anonymized(col, s, c, pseudonymKey, params);
            return col + " = CASE WHEN " + col + " < 0 THEN " + col + " ELSE " + expression + " END";
        }
        if (s instanceof KeyedHashStrategy) {
            params.add(HEX64);
            String expression = MysqlDialect.anonymized(col, s, c, pseudonymKey, params);
            return col + " = CASE WHEN " + hashed(col) + " THEN " + col + " ELSE " + expression + " END";
        }
        return col + " = " + MysqlDialect.anonymized(col, s, c, pseudonymKey, params);
    }

    private static String hashed(String col) {
        return "CONVERT(" + col + " USING utf8mb4) COLLATE utf8mb4_bin REGEXP ?";
    }

    /** One part of the primary key: the column on alias t, and how a value of it is bound. */
    record KeyPart(String sql, MysqlKey kind) {
    }

    /**
     * How a row's subject key is tested against the excluded keys (legal holds, open requests): the column
     * that names the subject, through the parent chain where the table belongs through parents. A row whose
     * subject key is NULL (already cut loose) is never excluded.
     */
    record Owner(String joins, String column, MysqlKey kind) {
        /** true when the row belongs to one of n excluded keys; n placeholders. */
        String excluded(int n) {
            String in = column + " IN (" + String.join(", ", Collections.nCopies(n, "?")) + ")";
            if (joins.isEmpty()) {
                return "COALESCE(" + in + ", FALSE)";
            }
            return "EXISTS (SELECT 1 FROM " + joins + " AND " + in + ")";
        }
    }

    /** self names a column of the rule's own table (t.`c`, or `db`.`table`.`c` where the statement has no alias). */
    private static Owner owner(PrivacyMap map, Catalogue catalogue, String database, PrivacyMap.Table t,
            UnaryOperator<String> self) {
        if (t.parent().isEmpty()) {
            return new Owner("", self.apply(t.column()), MysqlKey.require(catalogue.column(t.name(), t.column())
                    .orElseThrow(), "table " + t.name() + ": column"));
        }
        StringBuilder from = new StringBuilder();
        List<String> on = new ArrayList<>();
        UnaryOperator<String> childColumn = self;
        PrivacyMap.Table child = t;
        int depth = 0;
        String alias = null;
        while (child.parent().isPresent()) {
            PrivacyMap.Table parent = map.table(child.parent().get()).orElseThrow();
            alias = "x" + (++depth);
            from.append(from.isEmpty() ? "" : " JOIN ").append(qualified(database, parent.name())).append(" AS ")
                    .append(alias);
            on.add(column(alias, child.parentKey()) + " = " + childColumn.apply(child.column()));
            String parentAlias = alias;
            childColumn = name -> column(parentAlias, name);
            child = parent;
        }
        return new Owner(from + " WHERE " + String.join(" AND ", on), column(alias, child.column()),
                MysqlKey.require(catalogue.column(child.name(), child.column()).orElseThrow(), "table "
                        + child.name() + ": column"));
    }

    /**
     * How a run's batches go through the table. COLUMN: in the order of the retention column (then the primary
     * key), which an index over the column ranges over, reaching only rows past retention; each costs InnoDB a
     * descent of the primary key to the row. KEY: in the order of the primary key, reading every row from the
     * cursor on, expired or not, as a hand-written loop does: where much of the table is expired, reading the
     * rows in their stored order is cheaper than a descent per row (bin/bench-retention-mariadb, half the table
     * expired). A KEY batch's locking read or DELETE locks the live rows it reads in its key range too (InnoDB,
     * REPEATABLE READ), until the batch commits: an app writing one of them waits for that one batch, and a
     * row the app holds makes the batch's one statement give way to the SKIP LOCKED pick, as on a COLUMN walk.
     * A KEY walk's cursor carries no retention value, which is how a resumed run knows its walk.
     */
    enum Walk {
        COLUMN,
        KEY;

        String order(String column, String keys) {
            return this == KEY ? keys : column + ", " + keys;
        }

        /**
         * What a batch returns after the keys for the cursor: the retention column as text on a COLUMN walk;
         * nothing on a KEY walk, whose cursor has no value (which spares the server a conversion to text and the
         * wire a column per row).
         */
        String returned(String column) {
            return this == KEY ? "" : ", CAST(" + column + " AS CHAR)";
        }

        /** The cursor's value from a row that {@link #returned} shaped: the column at index, or none. */
        String value(ResultSet rs, int index) throws SQLException {
            return this == KEY ? null : rs.getString(index);
        }
    }

    /**
     * A DELETE rule's batch as one statement on MariaDB (see the class comment): the table, the rule's
     * condition and owner test with columns named through the table, the retention column and the key columns.
     */
    record Direct(String table, String filter, Owner owner, String column, String firstKey, String keys) {
    }

    /** A mapped table's retention rule on MySQL. */
    public static final class Rule implements SweepRule {
        private static final Logger LOG = Logger.getLogger(Rule.class);
        /** ER_LOCK_WAIT_TIMEOUT: with innodb_lock_wait_timeout = 0, a row lock another transaction holds. */
        static final int LOCKED = 1205;
        private final String name;
        private final String action;
        private final String reason;
        private final String from;
        private final String column;
        private final List<KeyPart> key;
        private final List<TemporalAmount> cutoffs;
        private final List<Boolean> timestampCutoffs;
        private final String filter;
        private final List<Object> filterParams;
        private final Owner owner;
        private final String change;
        private final String changeKeys;
        private final List<Object> changeParams;
        private final ZoneId zone;
        private final Direct direct;

        Rule(String name, String action, String reason, String from, String column, List<KeyPart> key,
                List<TemporalAmount> cutoffs, List<Boolean> timestampCutoffs, String filter, List<Object> filterParams,
                Owner owner, String change, String changeKeys, List<Object> changeParams, ZoneId zone, Direct direct) {
            this.name = name;
            this.action = action;
            this.reason = reason;
            this.from = from;
            this.column = column;
            this.key = List.copyOf(key);
            this.cutoffs = cutoffs;
            this.timestampCutoffs = timestampCutoffs;
            this.filter = filter;
            this.filterParams = filterParams;
            this.owner = owner;
            this.change = change;
            this.changeKeys = changeKeys;
            this.changeParams = changeParams;
            this.zone = zone;
            this.direct = direct;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String action() {
            return action;
        }

        /** Why the rows go, as the map says. */
        public String reason() {
            return reason;
        }

        @Override
        public boolean subjectRows() {
            return true;
        }

        @Override
        public Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit) throws SQLException {
            MysqlDialect.requireTransaction(c);
            MysqlDialect.requireFoundRows(c);
            if (limit < 1) {
                throw new IllegalArgumentException("a batch needs a limit of at least one row");
            }
            if (after.isPresent() && after.get().key().size() != key.size()) {
                throw new IllegalArgumentException("the cursor is not of this rule's primary key");
            }
            // A run's walk is chosen once, at its first batch, and carried in the cursor (a KEY walk's has no value).
            Walk walk = after.isPresent() ? (after.get().value() == null ? Walk.KEY : Walk.COLUMN) : walk(c, scope);
            return batch(c, scope, after, limit, walk);
        }

        /** A batch along the given walk; for tests, which take both walks on the same small tables. */
        Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit, Walk walk) throws SQLException {
            if (direct != null) {
                Optional<Batch> done = deleteAtOnce(c, scope, after, limit, walk);
                if (done.isPresent()) {
                    return done.get();
                }
            }
            return pickThenChange(c, scope, after, limit, walk);
        }

        /**
         * The walk for a run that starts now: KEY where the optimizer estimates that a fifth or more of the
         * table's rows are past retention (or the retention column has no index to range over, so the estimate
         * is the whole table), COLUMN otherwise. Both estimates are the server's statistics (an index dive and
         * the table's row count): nothing is scanned. A fifth is a judgment, not a measured crossing point:
         * bin/bench-retention-mariadb measured the KEY walk faster at a half, and a COLUMN walk at a few per cent
         * reaches only the rows it removes where a KEY walk reads the whole table.
         */
        Walk walk(Connection c, Scope scope) throws SQLException {
            List<Bound> params = new ArrayList<>();
            String where = where(new Scope(scope.appId(), scope.asOf(), List.of()), params, filter, owner);
            long expired = estimate(c, "EXPLAIN SELECT 1 FROM " + from + " WHERE " + where, params);
            long total = estimate(c, "EXPLAIN SELECT 1 FROM " + from, List.of());
            Walk walk = total > 0 && expired * 5 >= total ? Walk.KEY : Walk.COLUMN;
            LOG.debugf("app=%s rule=%s: about %d of %d rows past retention; walking by %s", scope.appId(), name,
                    expired, total, walk);
            return walk;
        }

        /** The rows the optimizer expects the first table of an EXPLAIN to read. */
        private static long estimate(Connection c, String explain, List<Bound> params) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(explain)) {
                bind(ps, 1, params);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong("rows") : 0;
                }
            }
        }

        /**
         * MariaDB, DELETE rules: the batch in one statement, {@code DELETE ... ORDER BY column, pk LIMIT n
         * RETURNING pk, column} ({@code ORDER BY pk ... RETURNING pk} on a KEY walk), which reaches each row once
         * and returns exactly the rows it deleted (the batch's count and cursor). It must not wait for a row
         * another transaction holds, as the pick's SKIP LOCKED does not: {@code innodb_lock_wait_timeout = 0}
         * for the statement makes it fail at once on such a row (1205), MariaDB undoes the statement, and the
         * batch is picked with SKIP LOCKED instead. Empty then.
         */
        private Optional<Batch> deleteAtOnce(Connection c, Scope scope, Optional<Cursor> after, int limit, Walk walk)
                throws SQLException {
            List<Bound> params = new ArrayList<>();
            String where = where(scope, params, direct.filter(), direct.owner()) + after(after, walk, direct.column(),
                    direct.firstKey(), direct.keys(), params);
            String sql = "SET STATEMENT innodb_lock_wait_timeout = 0 FOR DELETE FROM " + direct.table() + " WHERE "
                    + where + " ORDER BY " + walk.order(direct.column(), direct.keys()) + " LIMIT ? RETURNING "
                    + direct.keys() + walk.returned(direct.column());
            // A server started with innodb_rollback_on_timeout rolls the whole transaction back on 1205, and
            // with it whatever the caller did in it before this batch: the savepoint then is gone too, and
            // rolling back to it fails instead of carrying on as if that work were still there.
            Savepoint before = c.setSavepoint("himoya_batch");
            long deleted = 0;
            List<String> last = null;
            String lastValue = null;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bind(ps, 1, params);
                ps.setInt(i, limit);
                // Rows come back in the order they were deleted, which is the ORDER BY's: the last is the cursor.
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        deleted++;
                        if (rs.isLast()) {
                            last = new ArrayList<>(key.size());
                            for (int k = 1; k <= key.size(); k++) {
                                last.add(rs.getString(k));
                            }
                            lastValue = walk.value(rs, key.size() + 1);
                        }
                    }
                }
            } catch (SQLException e) {
                if (e.getErrorCode() != LOCKED) {
                    throw e;
                }
                c.rollback(before);
                LOG.debugf("app=%s rule=%s: a row the batch reached is locked by another transaction; picking"
                        + " with SKIP LOCKED instead", scope.appId(), name);
                return Optional.empty();
            }
            if (deleted == 0) {
                return Optional.of(new Batch(0, 0, Optional.empty()));
            }
            return Optional.of(new Batch(deleted, deleted, Optional.of(new Cursor(lastValue, last))));
        }

        /**
         * Every rule on MySQL 8 (no DELETE ... RETURNING) and anonymizing rules (no UPDATE ... RETURNING), and
         * a MariaDB batch that met a locked row: the pick locks the rows with SKIP LOCKED, then the change
         * reaches exactly those keys, guarded.
         */
        private Batch pickThenChange(Connection c, Scope scope, Optional<Cursor> after, int limit, Walk walk)
                throws SQLException {
            List<Bound> params = new ArrayList<>();
            String keys = String.join(", ", key.stream().map(KeyPart::sql).toList());
            String where = where(scope, params, filter, owner) + after(after, walk, column, key.get(0).sql(), keys,
                    params);
            String pick = "SELECT " + keys + walk.returned(column) + " FROM " + from + " WHERE " + where
                    + " ORDER BY " + walk.order(column, keys) + " LIMIT ? FOR UPDATE SKIP LOCKED";
            List<List<String>> picked = new ArrayList<>();
            String lastValue = null;
            try (PreparedStatement ps = c.prepareStatement(pick)) {
                int i = bind(ps, 1, params);
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> row = new ArrayList<>(key.size());
                        for (int k = 1; k <= key.size(); k++) {
                            row.add(rs.getString(k));
                        }
                        picked.add(row);
                        lastValue = walk.value(rs, key.size() + 1);
                    }
                }
            }
            if (picked.isEmpty()) {
                return new Batch(0, 0, Optional.empty());
            }
            String one = key.size() == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(key.size(), "?")) + ")";
            String sql = change + (key.size() == 1 ? changeKeys : "(" + changeKeys + ")") + " IN ("
                    + String.join(", ", Collections.nCopies(picked.size(), one)) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object p : changeParams) {
                    ps.setObject(i++, p);
                }
                for (List<String> row : picked) {
                    for (int k = 0; k < key.size(); k++) {
                        key.get(k).kind().bind(ps, i++, row.get(k));
                    }
                }
                // The pick counted and locked the rows; the change must find exactly those.
                long changed = MysqlRowGuard.execute(c, picked.size(), ps, name, "app=" + scope.appId() + " rule="
                        + name);
                return new Batch(picked.size(), changed, Optional.of(new Cursor(lastValue, picked.getLast())));
            }
        }

        /**
         * The keyset test for rows after the cursor along the walk (empty without one); appends its values. The
         * first test lets an index on the walk's leading column (the retention column, or the primary key's first
         * part) start the scan at the cursor; the row comparison then steps past the rows of equal value already
         * done. A single-column primary key needs only the first test, strictly.
         */
        private String after(Optional<Cursor> after, Walk walk, String column, String firstKey, String keys,
                List<Bound> params) {
            if (after.isEmpty()) {
                return "";
            }
            Cursor cur = after.get();
            // The walk's order, as values: the retention column's (COLUMN) then the key's parts.
            List<Bound> position = new ArrayList<>();
            if (walk == Walk.COLUMN) {
                position.add(Bound.text(cur.value()));
            }
            for (int i = 0; i < key.size(); i++) {
                position.add(new Bound(cur.key().get(i), key.get(i).kind()));
            }
            String lead = walk == Walk.KEY ? firstKey : column;
            if (position.size() == 1) {
                params.add(position.getFirst());
                return " AND " + lead + " > ?";
            }
            params.add(position.getFirst());
            params.addAll(position);
            return " AND " + lead + " >= ? AND (" + walk.order(column, keys) + ") > ("
                    + String.join(", ", Collections.nCopies(position.size(), "?")) + ")";
        }

        @Override
        public Counts count(Connection c, Scope scope) throws SQLException {
            List<Bound> params = new ArrayList<>();
            String where = where(new Scope(scope.appId(), scope.asOf(), List.of()), params, filter, owner);
            List<String> excluded = fitting(scope.excludedKeys());
            String held = excluded.isEmpty() ? "0" : "COALESCE(SUM(" + owner.excluded(excluded.size()) + "), 0)";
            List<Bound> all = new ArrayList<>();
            excluded.forEach(k -> all.add(new Bound(k, owner.kind())));
            all.addAll(params);
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), " + held + " FROM " + from + " WHERE "
                    + where)) {
                bind(ps, 1, all);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Counts(rs.getLong(1) - rs.getLong(2), rs.getLong(2));
                }
            }
        }

        /** The rows past retention, less the excluded subjects; appends the bound values in order. */
        private String where(Scope scope, List<Bound> params, String filter, Owner owner) {
            for (int i = 0; i < cutoffs.size(); i++) {
                // Calendar periods (P2Y) are counted in the app's zone, as its users count them.
                Instant cut = scope.asOf().atZone(zone).minus(cutoffs.get(i)).toInstant();
                params.add(timestampCutoffs.get(i) ? Bound.epoch(cut) : Bound.utc(cut));
            }
            filterParams.forEach(p -> params.add(new Bound(p, null)));
            List<String> excluded = fitting(scope.excludedKeys());
            if (excluded.isEmpty()) {
                return filter;
            }
            excluded.forEach(k -> params.add(new Bound(k, owner.kind())));
            return filter + " AND NOT " + owner.excluded(excluded.size());
        }

        /** A key that is not a value of the subject's key column names nobody in this table. */
        private List<String> fitting(List<String> keys) {
            return keys.stream().filter(owner.kind()::fits).toList();
        }

        /** For tests and the benchmark: the cut-off the first retention period gives at asOf. */
        public Instant cutoff(Instant asOf) {
            return asOf.atZone(zone).minus(cutoffs.get(0)).toInstant();
        }
    }

    /** A value to bind: a key part by its kind, or a plain value (kind null). */
    private record Bound(Object value, MysqlKey kind) {
        static Bound text(String s) {
            return new Bound(s, null);
        }

        static Bound utc(Instant i) {
            return new Bound(LocalDateTime.ofInstant(i, ZoneOffset.UTC), null);
        }

        /** Seconds since the epoch with microseconds, for FROM_UNIXTIME. */
        static Bound epoch(Instant i) {
            return new Bound(BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano() / 1000, 6)),
                    null);
        }
    }

    private static int bind(PreparedStatement ps, int first, List<Bound> params) throws SQLException {
        int i = first;
        for (Bound b : params) {
            if (b.kind() != null) {
                b.kind().bind(ps, i++, (String) b.value());
            } else {
                ps.setObject(i++, b.value());
            }
        }
        return i;
    }
}
