package uz.himoya.store.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;

/**
 * What every implementation of {@link SubjectRows} must do, run against a real server of its kind: the demo app
 * (users 1001 to 1006, demo/seed.sql and demo-mariadb/seed.sql) and the rental shop shaped like Sakila
 * (rentals/seed.sql, rentals-mariadb/seed.sql: Dilnoza (1) shares address 10 with Rustam (2), Aziza (3) lives
 * alone at address 11). A subject's rows read are the rows the erasure reaches, table by table, and nobody
 * else's; a referenced row another subject still points at is read, though the erasure keeps it.
 */
public abstract class SubjectRowsContract {
    protected static final String STORE = "shop";

    /** The demo app reloaded in the store, compiled against its catalogue. */
    protected abstract AppRegistry.CompiledApp demo() throws SQLException;

    /** The rental shop reloaded in the store, compiled against its catalogue. */
    protected abstract AppRegistry.CompiledApp rentals() throws SQLException;

    /** A new connection to the store of the app last loaded, in auto-commit. */
    protected abstract Connection connect() throws SQLException;

    /** The dialect's statement that makes this session wait at most two seconds for a row lock. */
    protected abstract String lockTimeoutOfTwoSeconds();

    /** The dialect's INSERT of n access_logs rows of user 1001 in the demo store's database. */
    protected abstract String insertAccessLogs(String schema, int n);

    /** Everything a read gave: per table, its rows, each row's values. */
    private record Read(Map<String, Long> counts, Map<String, List<List<Object>>> rows,
            List<SubjectRows.Table> begun) {
        List<Object> column(String table, String column, SubjectRows rows) {
            SubjectRows.Table t = rows.tables().stream().filter(x -> x.name().equals(table)).findFirst().orElseThrow();
            int i = t.columns().stream().map(SubjectRows.Column::name).toList().indexOf(column);
            return this.rows.getOrDefault(table, List.of()).stream().map(r -> r.get(i)).toList();
        }
    }

    private static Read read(SubjectRows rows, Connection c, String key) throws SQLException, IOException {
        Map<String, List<List<Object>>> out = new LinkedHashMap<>();
        List<SubjectRows.Table> begun = new ArrayList<>();
        Map<String, Long> counts = rows.read(c, key, new SubjectRows.RowSink() {
            @Override
            public void table(SubjectRows.Table table) {
                begun.add(table);
            }

            @Override
            public void row(SubjectRows.Table table, List<Object> values) {
                out.computeIfAbsent(table.name(), k -> new ArrayList<>()).add(new ArrayList<>(values));
            }
        });
        return new Read(counts, out, begun);
    }

    /** The erasure's receipt for the subject, rows per table, in a transaction rolled back after. */
    private Map<String, Long> erased(AppRegistry.CompiledApp app, String key) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                return app.eraser(STORE).erase(c, key).stream().collect(Collectors.toMap(TableOutcome::table,
                        TableOutcome::rows, (a, b) -> a, LinkedHashMap::new));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    @Test
    void shouldReadTheRowsTheErasureReaches_whenEachSeededSubjectIsRead() throws Exception {
        // Arrange
        AppRegistry.CompiledApp app = demo();
        SubjectRows rows = app.rows(STORE);

        for (String key : List.of("1001", "1002", "1003", "1004", "1005", "1006")) {
            // Act
            Read read;
            try (Connection c = connect()) {
                read = read(rows, c, key);
            }

            // Assert: the same rows per table as the erasure's receipt, in the map's order
            assertThat(read.counts()).as(key).containsExactlyEntriesOf(erased(app, key));
            assertThat(read.counts().get("users")).as(key).isEqualTo(1L);
        }
    }

    @Test
    void shouldGiveOnlyTheMappedColumnsWithTheirCategories_whenTheDemoSubjectIsRead() throws Exception {
        // Arrange
        AppRegistry.CompiledApp app = demo();
        SubjectRows rows = app.rows(STORE);

        // Act
        Read read;
        try (Connection c = connect()) {
            read = read(rows, c, "1001");
        }

        // Assert: every table of the store, in the map's order, each told to the sink, empty or not
        List<String> order = app.map().tablesOf(STORE).stream().map(PrivacyMap.Table::name).toList();
        assertThat(rows.tables()).extracting(SubjectRows.Table::name).containsExactlyElementsOf(order);
        assertThat(read.begun()).containsExactlyElementsOf(rows.tables());
        assertThat(read.counts().keySet()).containsExactlyElementsOf(order);
        for (SubjectRows.Table t : rows.tables()) {
            Map<String, String> mapped = app.map().table(t.name()).orElseThrow().categories();
            assertThat(t.columns()).extracting(SubjectRows.Column::name).as(t.name())
                    .containsExactlyInAnyOrderElementsOf(mapped.keySet());
            t.columns().forEach(col -> assertThat(col.category()).isEqualTo(mapped.get(col.name())));
            read.rows().getOrDefault(t.name(), List.of()).forEach(r -> assertThat(r).hasSize(t.columns().size()));
        }
        // her own row, as plain Java values
        assertThat(read.column("users", "email", rows)).containsExactly("dilnoza@demo.example");
        assertThat(read.column("users", "full_name", rows)).singleElement().isInstanceOf(String.class);
        assertThat(read.column("access_logs", "accessed_at", rows)).isNotEmpty()
                .allSatisfy(v -> assertThat(v).isInstanceOf(Temporal.class));
        assertThat(read.column("access_logs", "ip", rows)).allSatisfy(v -> assertThat(v).isInstanceOf(String.class));
    }

    @Test
    void shouldNeverGiveAnotherSubjectsRows_whenOneSubjectHasManyRows() throws Exception {
        // Arrange: 50,000 more access_logs rows of 1001's
        AppRegistry.CompiledApp app = demo();
        String schema = app.map().store(STORE).schema();
        Map<String, Long> before;
        try (Connection c = connect()) {
            before = read(app.rows(STORE), c, "1002").counts();
        }
        long seeded;
        try (Connection c = connect()) {
            seeded = read(app.rows(STORE), c, "1001").counts().get("access_logs");
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(insertAccessLogs(schema, 50_000));
        }
        Map<String, Long> counted = new HashMap<>();
        List<Object[]> queries = new ArrayList<>();

        // Act: a sink that only counts, on a connection that records how each query ran
        Map<String, Long> counts;
        try (Connection c = connect()) {
            counts = app.rows(STORE).read(recording(c, queries), "1001",
                    (table, values) -> counted.merge(table.name(), 1L, Long::sum));
            // the pooled connection leaves as it came
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.isReadOnly()).isFalse();
        }

        // Assert: all of them streamed, a slice at a time, inside the read-only snapshot
        assertThat(counts.get("access_logs")).isEqualTo(seeded + 50_000);
        assertThat(counted.get("access_logs")).isEqualTo(seeded + 50_000);
        assertThat(queries).isNotEmpty().allSatisfy(q -> {
            assertThat(q[0]).as("fetch size").isEqualTo(SubjectRows.FETCH_SIZE);
            assertThat(q[1]).as("auto-commit").isEqualTo(false);
            assertThat(q[2]).as("read-only").isEqualTo(true);
            assertThat(q[3]).as("isolation").isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        });
        // and none of them is 1002's
        try (Connection c = connect()) {
            assertThat(read(app.rows(STORE), c, "1002").counts()).containsExactlyEntriesOf(before);
        }
    }

    @Test
    void shouldReadOneSnapshotAndLockNothing_whenTheAppWritesDuringTheRead() throws Exception {
        // Arrange
        AppRegistry.CompiledApp app = demo();
        SubjectRows rows = app.rows(STORE);
        String schema = app.map().store(STORE).schema();
        List<String> order = rows.tables().stream().map(SubjectRows.Table::name).toList();
        assertThat(order.indexOf("users")).isGreaterThan(order.indexOf("access_logs"));
        List<Integer> updated = new ArrayList<>();

        // Act: while access_logs streams, the app renames 1001 and changes one of the rows being read
        Map<String, List<Object>> names = new HashMap<>();
        try (Connection c = connect(); Connection app2 = connect()) {
            try (Statement s = app2.createStatement()) {
                s.execute(lockTimeoutOfTwoSeconds());
            }
            rows.read(c, "1001", (table, values) -> {
                if (table.name().equals("access_logs") && updated.isEmpty()) {
                    try (Statement s = app2.createStatement()) {
                        updated.add(s.executeUpdate("UPDATE " + schema + ".users SET full_name = 'Renamed'"
                                + " WHERE id = 1001"));
                        updated.add(s.executeUpdate("UPDATE " + schema + ".access_logs SET page = 'changed'"
                                + " WHERE user_id = 1001"));
                    } catch (SQLException e) {
                        throw new IOException("the app's writer waited on the read: " + e.getSQLState(), e);
                    }
                }
                if (table.name().equals("users")) {
                    int i = table.columns().stream().map(SubjectRows.Column::name).toList().indexOf("full_name");
                    names.computeIfAbsent("users", k -> new ArrayList<>()).add(values.get(i));
                }
            });
        }

        // Assert: the writes went through at once, and the read still saw the state it began with
        assertThat(updated).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(names.get("users")).singleElement().isNotEqualTo("Renamed");
    }

    @Test
    void shouldReadTheSharedAddress_whenACustomerOfAHouseholdIsRead() throws Exception {
        // Arrange
        AppRegistry.CompiledApp app = rentals();
        SubjectRows rows = app.rows(STORE);

        // Act
        Read dilnoza;
        Read aziza;
        try (Connection c = connect()) {
            dilnoza = read(rows, c, "1");
            aziza = read(rows, c, "3");
        }

        // Assert: Dilnoza's address is read, though the erasure keeps it for Rustam; all else as the erasure
        Map<String, Long> erased = erased(app, "1");
        assertThat(dilnoza.counts().get("address")).isEqualTo(1L);
        assertThat(erased.get("address")).isZero();
        assertThat(dilnoza.column("address", "address", rows)).containsExactly("Yunusobod 4-12");
        Map<String, Long> rest = new LinkedHashMap<>(dilnoza.counts());
        rest.put("address", 0L);
        assertThat(rest).containsExactlyEntriesOf(erased);
        assertThat(dilnoza.column("customer", "email", rows)).containsExactly("dilnoza@rentals.example");
        // Aziza's address is hers alone: read and erased alike; nothing of Dilnoza's or Rustam's is hers
        assertThat(aziza.counts()).containsExactlyEntriesOf(erased(app, "3"));
        assertThat(aziza.column("address", "address", rows)).containsExactly("Registon 3");
        assertThat(aziza.column("customer", "email", rows)).containsExactly("aziza@rentals.example");
    }

    /**
     * The connection, recording for each query its fetch size and the connection's auto-commit, read-only and
     * isolation at the moment it ran.
     */
    private static Connection recording(Connection c, List<Object[]> queries) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(c, method, args);
                    if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")) {
                        return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                    if (m.getName().equals("executeQuery") && (a == null || a.length == 0)) {
                                        queries.add(new Object[] {ps.getFetchSize(), c.getAutoCommit(),
                                                c.isReadOnly(), c.getTransactionIsolation()});
                                    }
                                    return invoke(ps, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
