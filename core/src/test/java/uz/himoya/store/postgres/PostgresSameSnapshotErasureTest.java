package uz.himoya.store.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.RowGuard;
import uz.himoya.db.SqlErrors;
import uz.himoya.deletion.StoreErasure;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.DemoStore;
import uz.himoya.erasure.TableOutcome;

/**
 * The erasure in a transaction whose statements share one snapshot (REPEATABLE READ, as StoreErasure runs it):
 * each table's guarded count and change go as two statements, every table's in one round trip. The guard must
 * hold as it does for the one-statement form (PostgresErasureExecutorTest, PostgresPartitionedErasureTest): the same counts,
 * a trigger that keeps a counted row refuses the whole erasure, a table with rewrite rules is refused, and a
 * row another transaction changed under the erasure fails it as a transient error instead of being skipped.
 */
class PostgresSameSnapshotErasureTest {
    private static final String SUBJECT = "1001";
    private static final List<String> TABLES = List.of("users", "profiles", "orders", "order_items", "access_logs",
            "sessions", "devices", "marketing_consents");

    private final String pseudonymKey = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();
    private Connection connection;
    private AppRegistry.CompiledApp app;
    private PostgresErasurePlan plan;

    @BeforeEach
    void loadDemo() throws SQLException {
        DemoStore.loadDemo();
        connection = DemoStore.dataSource().getConnection();
        app = AppRegistry.compile(connection, "demo", pseudonymKey);
        plan = PostgresErasurePlanner.plan(app.map(), app.catalogues(), pseudonymKey);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        if (connection != null) {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.close();
        }
    }

    @Test
    void shouldPlanTheCountBeforeTheChange_whenTheStepIsForOneSnapshot() {
        // Act
        PostgresErasurePlan.SameSnapshot accessLogs = plan.steps().stream().filter(s -> s.table().equals("access_logs"))
                .findFirst().orElseThrow().sameSnapshot();

        // Assert: the same rows in both, the count first (it must not see the change)
        assertThat(accessLogs.sql()).isEqualTo("SELECT count(*) FROM \"demo_app\".\"access_logs\" t WHERE"
                + " t.\"user_id\" = CAST(? AS bigint); DELETE FROM \"demo_app\".\"access_logs\" t WHERE"
                + " t.\"user_id\" = CAST(? AS bigint)");
        assertThat(accessLogs.relation()).isEqualTo("\"demo_app\".\"access_logs\"");
    }

    @Test
    void shouldReportWhatTheOneStatementFormReports_whenTheTransactionIsRepeatableRead() throws SQLException {
        // Arrange: what the one-statement form counts, under READ COMMITTED, rolled back
        Map<String, Long> before = allRows();
        connection.setAutoCommit(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection.setAutoCommit(false);
        List<TableOutcome> oneStatement = PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.rollback();
        assertThat(allRows()).isEqualTo(before);
        connection.setAutoCommit(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setAutoCommit(false);

        // Act
        List<TableOutcome> sameSnapshot = PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.commit();

        // Assert
        assertThat(sameSnapshot).isEqualTo(oneStatement);
        assertThat(sameSnapshot.stream().mapToLong(TableOutcome::rows).sum()).isEqualTo(43);
        assertThat(count("SELECT count(*) FROM demo_app.access_logs WHERE user_id = 1001")).isZero();
        assertThat(count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isZero();
        assertThat(count("SELECT count(*) FROM demo_app.orders WHERE id IN (5001, 5002) AND user_id IS NULL"
                + " AND recipient_name = '[erased]'")).isEqualTo(2);
    }

    @Test
    void shouldRefuseTheWholeErasure_whenATriggerKeepsARowItCounted() throws SQLException {
        // Arrange: the app's trigger silently keeps the subject's device; tables before it in the plan ran first
        exec("CREATE FUNCTION demo_app.keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;"
                + " CREATE TRIGGER keep BEFORE DELETE ON demo_app.devices FOR EACH ROW EXECUTE FUNCTION"
                + " demo_app.keep()");
        Map<String, Long> before = allRows();

        // Act
        Throwable thrown = catchThrowable(() -> PostgresErasureExecutor.execute(connection, plan, SUBJECT));
        connection.rollback();

        // Assert
        assertThat(thrown).isInstanceOf(RowGuard.Violation.class)
                .hasMessageContaining("devices picked 1 rows but changed 0").hasMessageNotContaining(SUBJECT);
        assertThat(SqlErrors.code(thrown)).isEqualTo(RowGuard.CODE);
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void shouldRefuseTheTable_whenItHasRewriteRules() throws SQLException {
        // Arrange: a rule that leaves the row count right; the one-statement form is refused by PostgreSQL
        exec("CREATE RULE tell AS ON DELETE TO demo_app.devices DO ALSO NOTIFY himoya_test");
        Map<String, Long> before = allRows();

        // Act
        Throwable sameSnapshot = catchThrowable(() -> PostgresErasureExecutor.execute(connection, plan, SUBJECT));
        connection.rollback();
        connection.setAutoCommit(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection.setAutoCommit(false);
        Throwable oneStatement = catchThrowable(() -> PostgresErasureExecutor.execute(connection, plan, SUBJECT));
        connection.rollback();

        // Assert: refused the same way in both forms (in this one before any row changed), nothing erased
        assertThat(sameSnapshot).isInstanceOf(SQLException.class).hasMessageContaining("devices")
                .hasMessageContaining("rewrite rules").hasMessageNotContaining(SUBJECT);
        assertThat(SqlErrors.code(sameSnapshot)).isEqualTo("sql-0A000").isEqualTo(SqlErrors.code(oneStatement));
        assertThat(SqlErrors.transientFailure(sameSnapshot)).isFalse();
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void shouldFailAsTransient_whenAnotherTransactionChangedACountedRowAfterTheSnapshot() throws SQLException {
        // Arrange: the erasure's snapshot is taken; then the app updates one of the subject's sessions
        count("SELECT count(*) FROM demo_app.users WHERE id = 1001");
        try (Connection app = DemoStore.dataSource().getConnection(); Statement s = app.createStatement()) {
            s.executeUpdate("UPDATE demo_app.sessions SET last_seen_at = now() WHERE id = (SELECT min(id)"
                    + " FROM demo_app.sessions WHERE user_id = 1001)");
        }

        // Act
        Throwable thrown = catchThrowable(() -> PostgresErasureExecutor.execute(connection, plan, SUBJECT));
        connection.rollback();

        // Assert: not skipped (the one-statement form under READ COMMITTED would have re-read it): retried later
        assertThat(thrown).isInstanceOf(SQLException.class);
        assertThat(((SQLException) thrown).getSQLState()).isEqualTo("40001");
        assertThat(SqlErrors.transientFailure(thrown)).isTrue();
        assertThat(count("SELECT count(*) FROM demo_app.sessions WHERE user_id = 1001")).isEqualTo(3);
    }

    @Test
    void shouldRunTheStoreTransactionRepeatableRead_andPutTheConnectionBack() throws SQLException {
        // Arrange: a pooled connection as the store pools hand it out
        connection.setAutoCommit(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        exec("CREATE TABLE demo_app.seen (isolation text)");
        exec("CREATE FUNCTION demo_app.seen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " INSERT INTO demo_app.seen VALUES (current_setting('transaction_isolation')); RETURN OLD; END $$;"
                + " CREATE TRIGGER seen AFTER DELETE ON demo_app.users FOR EACH ROW EXECUTE FUNCTION demo_app.seen()");

        // Act
        StoreErasure.Counts counts = StoreErasure.run(connection, app.map().subjectStore(),
                app.eraser(app.map().subjectStore().name()), UUID.randomUUID(), SUBJECT);

        // Assert
        assertThat(counts.rows()).containsEntry("users", 1L).containsEntry("access_logs", 30L);
        assertThat(rows("SELECT isolation FROM demo_app.seen")).containsExactly("repeatable read");
        assertThat(connection.getAutoCommit()).isTrue();
        assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
    }

    private Map<String, Long> allRows() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : TABLES) {
            out.put(table, count("SELECT count(*) FROM demo_app." + table));
        }
        return out;
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
