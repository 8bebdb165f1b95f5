package uz.himoya.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * himoya.store-work-limit on real servers and a real Agroal pool (the pool StoreConnections makes): work over
 * the limit fails with 57014, the store rolls all of it back, and the pool drops the aborted connection.
 */
class WorkLimitTest {
    private static final Duration LIMIT = Duration.ofMillis(1500);
    private AgroalDataSource pool;

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void postgresWorkOverTheLimitIsAbortedAndRolledBack() throws Exception {
        DemoStore.sql("DROP TABLE IF EXISTS public.work_limit");
        DemoStore.sql("CREATE TABLE public.work_limit (n int)");
        pool = pool(PrivacyMap.StoreKind.POSTGRESQL, DemoStore.port(), "postgres", "postgres");
        overTheLimit("SELECT pg_sleep(5)", "public.work_limit");
        assertEquals(0, DemoStore.count("SELECT count(*) FROM public.work_limit"), "the store rolled the work back");
        withinTheLimit("public.work_limit");
        assertEquals(1, DemoStore.count("SELECT count(*) FROM public.work_limit"));
    }

    @Test
    void mariaDbWorkOverTheLimitIsAbortedAndRolledBack() throws Exception {
        try (Connection root = EmbeddedMariaDb.connect(null); Statement s = root.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS work_limit");
            s.execute("DROP TABLE IF EXISTS work_limit.t");
            s.execute("CREATE TABLE work_limit.t (n int) ENGINE=InnoDB");
        }
        pool = pool(PrivacyMap.StoreKind.MARIADB, EmbeddedMariaDb.port(), "work_limit", "root");
        overTheLimit("SELECT SLEEP(5)", "work_limit.t");
        assertEquals(0, mariaCount(), "the store rolled the work back");
        withinTheLimit("work_limit.t");
        assertEquals(1, mariaCount());
    }

    /** Several statements in one transaction, each short, together over the limit: aborted mid-statement. */
    private void overTheLimit(String sleep, String table) throws Exception {
        long start = System.nanoTime();
        try (Connection c = WorkLimit.guard(pool.getConnection(), LIMIT, "test-store")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
                SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(sleep));
                assertEquals(WorkLimit.STATE, e.getSQLState());
                assertTrue(e.getMessage().equals("store work over its time limit"), "no driver text");
                assertTrue(e.getCause() == null, "no driver exception attached");
            }
            assertThrows(SQLException.class, c::commit, "nothing of the aborted work can still commit");
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(4)) < 0,
                "aborted at the limit, not after the sleep");
    }

    /** The pool hands out a working connection after an abort, and work inside the limit is never touched. */
    private void withinTheLimit(String table) throws Exception {
        try (Connection c = WorkLimit.guard(pool.getConnection(), LIMIT, "test-store")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + table + " VALUES (2)");
            }
            c.commit();
            c.setAutoCommit(true);
        }
        Thread.sleep(LIMIT.toMillis() + 500); // the limit passes after the connection went back
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next(), "a connection given back in time is not aborted later");
        }
    }

    private static long mariaCount() throws SQLException {
        try (Connection c = EmbeddedMariaDb.connect("work_limit"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The pool StoreConnections makes, on a test server without TLS. */
    private static AgroalDataSource pool(PrivacyMap.StoreKind kind, int port, String database, String user)
            throws SQLException {
        return StoreConnections.pool(kind, new StoreConnections.Settings("127.0.0.1", port, database, user, "",
                "disable", Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }
}
