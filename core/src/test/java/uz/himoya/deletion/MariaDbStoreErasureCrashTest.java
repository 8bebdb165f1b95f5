package uz.himoya.deletion;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.crypto.Secrets;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.MariaDbResource;

/**
 * Exactly once across two databases on a MariaDB store (app demo-kg), with a real crash: as
 * StoreErasureCrashTest does on PostgreSQL, a worker process erases a subject through the store port, the
 * store commits tables and ledger row, and SIGKILL ends the process before Himoya's database hears of it.
 * Himoya connects as the least-privileged user infra/README.md describes (MariaDbResource).
 */
class MariaDbStoreErasureCrashTest {
    private static final String KEY = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();

    /** The dying worker: erases in the store, says so, then waits to be killed before it could go on. */
    public static void main(String[] args) throws Exception {
        StoreErasure.Counts counts = erase(args[0], UUID.fromString(args[1]), args[2]);
        System.out.println("STORE-COMMITTED " + counts.rows().values().stream().mapToLong(Long::longValue).sum());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // Himoya's commit would come here: it never does
    }

    @BeforeEach
    void seed() {
        MariaDbResource.reset();
    }

    @Test
    void shouldCompleteWithTheFirstRunsCounts_whenTheWorkerIsKilledBetweenTheStoresCommitAndHimoyas()
            throws Exception {
        // Arrange: what an uninterrupted run counts for user 1004
        Map<String, Long> uninterrupted = erase(url(), UUID.randomUUID(), "1004").rows();
        MariaDbResource.reset();
        UUID request = UUID.randomUUID();

        // Act: the worker dies right after the store committed; then the job is retried
        Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MariaDbStoreErasureCrashTest.class.getName(),
                url(), request.toString(), "1004").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("STORE-COMMITTED")) {
                // the child's start-up output
            }
            assertThat(line).as("the worker process reached the store's commit").startsWith("STORE-COMMITTED");
            worker.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback, no goodbye
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long usersAfterCrash = count("SELECT count(*) FROM users WHERE id = 1004");
        StoreErasure.Counts retried = erase(url(), request, "1004");

        // Assert
        assertThat(usersAfterCrash).as("the store's commit survived the kill").isZero();
        assertThat(retried.fromLedger()).isTrue();
        assertThat(retried.rows()).isEqualTo(uninterrupted);
        assertThat(uninterrupted).containsEntry("users", 1L).containsEntry("orders", 1L)
                .containsEntry("order_items", 1L).containsEntry("access_logs", 30L);
        assertThat(count("SELECT count(*) FROM himoya_ledger WHERE request_id = '" + request + "'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(5);
    }

    @Test
    void shouldNotEraseTwice_whenTheSameRequestRunsAgain() throws Exception {
        // Arrange
        UUID request = UUID.randomUUID();
        StoreErasure.Counts first = erase(url(), request, "1004");
        try (Connection root = EmbeddedMariaDb.connect(EmbeddedMariaDb.DEMO)) {
            root.createStatement().execute("INSERT INTO users (id, full_name, email, created_at)"
                    + " VALUES (1004, 'Back Again', 'back@x.example', UTC_TIMESTAMP(6))");
        }

        // Act
        StoreErasure.Counts again = erase(url(), request, "1004");

        // Assert
        assertThat(first.fromLedger()).isFalse();
        assertThat(again.fromLedger()).isTrue();
        assertThat(again.rows()).isEqualTo(first.rows());
        assertThat(count("SELECT count(*) FROM users WHERE id = 1004")).isEqualTo(1);
    }

    /** Himoya's user on the store, as StoreConnections would connect (found rows, no TLS in tests). */
    private static String url() {
        return "jdbc:mariadb://127.0.0.1:" + EmbeddedMariaDb.port() + "/" + EmbeddedMariaDb.DEMO
                + "?useAffectedRows=false";
    }

    private static StoreErasure.Counts erase(String url, UUID request, String subject) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, MariaDbResource.USER, MariaDbResource.PASSWORD)) {
            AppRegistry.CompiledApp app = AppRegistry.compile(c, "demo-kg", KEY);
            assertThat(app.map().stores()).singleElement().satisfies(s -> assertThat(s.kind().mysqlFamily()).isTrue());
            String store = app.map().subjectStore().name();
            return StoreErasure.run(c, app.map().subjectStore(), app.eraser(store), request, subject);
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = EmbeddedMariaDb.connect(EmbeddedMariaDb.DEMO);
                PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
