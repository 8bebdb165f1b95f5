package uz.himoya.deletion;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uz.himoya.crypto.Secrets;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.DemoStore;

/**
 * Exactly once across two databases, with a real crash: a worker process erases a subject in the app's
 * store, the store commits (tables and ledger row), and the process is killed with SIGKILL before Himoya's
 * database hears of it. The next attempt must complete with the counts an uninterrupted run gives, without
 * erasing again.
 */
class StoreErasureCrashTest {
    private static final String KEY = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();

    /** The dying worker: erases in the store, says so, then waits to be killed before it could go on. */
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "postgres", "postgres")) {
            AppRegistry.CompiledApp app = AppRegistry.compile(c, "demo", KEY);
            StoreErasure.run(c, app.map().subjectStore(), app.eraser(app.map().subjectStore().name()), UUID.fromString(args[1]), args[2]);
            System.out.println("STORE-COMMITTED");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // Himoya's commit would come here: it never does
        }
    }

    @Test
    void shouldCompleteWithTheFirstRunsCounts_whenTheWorkerIsKilledBetweenTheStoresCommitAndHimoyas()
            throws Exception {
        // Arrange: what an uninterrupted run counts for user 1001
        DemoStore.loadDemo();
        Map<String, Long> uninterrupted = erase(UUID.randomUUID(), "1001").rows();
        DemoStore.loadDemo();
        UUID request = UUID.randomUUID();

        // Act: the worker dies right after the store committed; then the job is retried
        Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreErasureCrashTest.class.getName(),
                DemoStore.jdbcUrl(), request.toString(), "1001").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("STORE-COMMITTED")) {
                // the child's start-up output
            }
            assertThat(line).as("the worker process reached the store's commit").isEqualTo("STORE-COMMITTED");
            worker.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback, no goodbye
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long usersAfterCrash = DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001");
        StoreErasure.Counts retried = erase(request, "1001");

        // Assert
        assertThat(usersAfterCrash).as("the store's commit survived the kill").isZero();
        assertThat(retried.fromLedger()).isTrue();
        assertThat(retried.rows()).isEqualTo(uninterrupted);
        assertThat(uninterrupted.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.himoya_ledger WHERE request_id = ?", request))
                .isEqualTo(1);
    }

    @Test
    void shouldNotEraseTwice_whenTheSameRequestRunsAgain() throws Exception {
        // Arrange
        DemoStore.loadDemo();
        UUID request = UUID.randomUUID();
        StoreErasure.Counts first = erase(request, "1001");
        // rows that appear for the same subject after the erasure are not the request's to take silently
        DemoStore.sql("INSERT INTO demo_app.users (id, full_name, email) VALUES (1001, 'Back Again', 'back@x.example')");

        // Act
        StoreErasure.Counts again = erase(request, "1001");

        // Assert
        assertThat(again.fromLedger()).isTrue();
        assertThat(again.rows()).isEqualTo(first.rows());
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isEqualTo(1);
    }

    private static StoreErasure.Counts erase(UUID request, String subject) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection()) {
            AppRegistry.CompiledApp app = AppRegistry.compile(c, "demo", KEY);
            List<String> stores = app.map().stores().stream().map(s -> s.name()).toList();
            assertThat(stores).containsExactly("shop");
            return StoreErasure.run(c, app.map().subjectStore(), app.eraser(app.map().subjectStore().name()), request, subject);
        }
    }
}
