package uz.himoya.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.db.Jdbc;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * The shared health row (app_store_health) as two functions write it, on a real PostgreSQL; and the error
 * codes of real driver failures. Writes run on the caller's thread here (Runnable::run) so each step can be
 * checked at once; in Quarkus one background writer does them.
 */
class StoreHealthTest {
    static final Instant T0 = Instant.parse("2026-12-16T07:00:00Z");
    static AgroalDataSource himoya;
    static AgroalDataSource himoyaDown;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedDatabase.migrateHimoya();
        himoya = pool(EmbeddedDatabase.jdbcUrl());
        himoyaDown = pool("jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres?connectTimeout=2");
    }

    @AfterAll
    static void stop() {
        himoya.close();
        himoyaDown.close();
    }

    @BeforeEach
    void reset() throws SQLException {
        try (Connection c = himoya.getConnection()) {
            c.createStatement().execute("TRUNCATE app_store_health");
        }
    }

    @Test
    void shouldKeepTheOutageStartAcrossRetriesAndFunctions_whenTwoFunctionsSeeTheStoreDown() {
        // Arrange: every function has its own registry, so its own StoreHealth; the row is shared
        StoreHealth worker = new StoreHealth(new Jdbc(himoya), Runnable::run);
        StoreHealth http = new StoreHealth(new Jdbc(himoya), Runnable::run);

        // Act + Assert: the worker sees the outage first
        worker.unreachable("demo", "shop", "store-unreachable", T0);
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|store-unreachable|" + T0);

        // a retry within the retry period, same state: not written (last tried stays)
        worker.unreachable("demo", "shop", "store-unreachable", T0.plusSeconds(5));
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|store-unreachable|" + T0);

        // another function, later: its own first failure, but the outage began at T0
        http.unreachable("demo", "shop", "store-unreachable", T0.plusSeconds(30));
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|store-unreachable|" + T0.plusSeconds(30));

        // a new code is news at once, even within the retry period
        http.unreachable("demo", "shop", "auth-failed", T0.plusSeconds(31));
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|auth-failed|" + T0.plusSeconds(31));

        // the worker's refresh of an older attempt never overwrites the newer row
        worker.unreachable("demo", "shop", "store-unreachable", T0.plusSeconds(25));
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|auth-failed|" + T0.plusSeconds(31));

        // the store is back: reachable from now on, no error code
        worker.reachable("demo", List.of("shop"), T0.plusSeconds(60));
        assertThat(row("demo", "shop")).isEqualTo("true|" + T0.plusSeconds(60) + "|null|" + T0.plusSeconds(60));
    }

    @Test
    void shouldRefreshLastTriedOncePerRetryPeriod_whenAnOutageGoesOn() {
        StoreHealth worker = new StoreHealth(new Jdbc(himoya), Runnable::run);
        worker.unreachable("demo", "shop", "store-unreachable", T0);

        worker.unreachable("demo", "shop", "store-unreachable", T0.plus(StoreHealth.REFRESH).minusMillis(1));
        assertThat(row("demo", "shop")).endsWith("|" + T0);
        worker.unreachable("demo", "shop", "store-unreachable", T0.plus(StoreHealth.REFRESH));

        assertThat(row("demo", "shop")).isEqualTo("false|" + T0 + "|store-unreachable|" + T0.plus(StoreHealth.REFRESH));
    }

    @Test
    void shouldStartANewSinceNoEarlierThanTheRowWasConfirmed_whenAFunctionsOwnViewIsOlder() {
        // Arrange: the worker saw the store down at T0 but could not write (Himoya's database was down then)
        StoreHealth worker = new StoreHealth(new Jdbc(himoyaDown), Runnable::run);
        worker.unreachable("demo", "shop", "store-unreachable", T0);
        StoreHealth http = new StoreHealth(new Jdbc(himoya), Runnable::run);
        http.reachable("demo", List.of("shop"), T0.plusSeconds(40));

        // Act: the worker, writing again, reports the outage it saw since T0
        StoreHealth workerAgain = new StoreHealth(new Jdbc(himoya), Runnable::run);
        workerAgain.unreachable("demo", "shop", "store-unreachable", T0);
        workerAgain.unreachable("demo", "shop", "store-unreachable", T0.plusSeconds(50));

        // Assert: the row said reachable at T0+40, so the outage is counted from then
        assertThat(row("demo", "shop")).isEqualTo("false|" + T0.plusSeconds(40) + "|store-unreachable|"
                + T0.plusSeconds(50));
    }

    @Test
    void shouldNeitherFailNorLoseTheState_whenHimoyasDatabaseIsDown() {
        // Arrange
        StoreHealth health = new StoreHealth(new Jdbc(himoyaDown), Runnable::run);

        // Act + Assert: the app's work goes on (nothing thrown); the function's own view is still there
        assertThatCode(() -> health.unreachable("demo", "shop", "store-unreachable", T0)).doesNotThrowAnyException();
        StoreHealth.Snapshot snapshot = health.snapshot();
        assertThat(snapshot.tableError()).hasValueSatisfying(code -> assertThat(code).startsWith("sql-08"));
        assertThat(snapshot.of("demo", "shop")).hasValueSatisfying(o -> {
            assertThat(o.reachable()).isFalse();
            assertThat(o.since()).isEqualTo(T0);
            assertThat(o.code()).isEqualTo("store-unreachable");
        });
    }

    @Test
    void shouldShowTheRowsSinceWithTheFunctionsNewerAttempt_whenTheSnapshotMergesBoth() {
        StoreHealth other = new StoreHealth(new Jdbc(himoya), Runnable::run);
        other.unreachable("demo", "shop", "store-unreachable", T0);
        StoreHealth mine = new StoreHealth(new Jdbc(himoya), task -> {
            // this function's write has not landed yet
        });
        mine.unreachable("demo", "shop", "tls-failed", T0.plusSeconds(90));

        StoreHealth.Observation o = mine.snapshot().of("demo", "shop").orElseThrow();

        assertThat(o.since()).isEqualTo(T0);
        assertThat(o.tried()).isEqualTo(T0.plusSeconds(90));
        assertThat(o.code()).isEqualTo("tls-failed");
        assertThat(other.snapshot().of("demo", "shop").orElseThrow().tried()).isEqualTo(T0);
    }

    @Test
    void shouldGiveACodeWithoutTheDriversMessage_whenARealConnectionFails() throws Exception {
        int closed = closedPort();
        assertThat(StoreHealth.code(connect("jdbc:postgresql://127.0.0.1:" + closed + "/postgres?connectTimeout=2",
                "postgres"))).isEqualTo("store-unreachable");
        // the embedded server trusts local users, so an unknown role is what it refuses (SQL state 28000)
        assertThat(StoreHealth.code(connect("jdbc:postgresql://127.0.0.1:" + EmbeddedDatabase.get().getPort()
                + "/postgres", "nobody_here"))).isEqualTo("auth-failed");
        try (ServerSocket fake = new ServerSocket(0)) {
            // A server that agrees to TLS and then speaks no TLS
            Thread.ofVirtual().start(() -> {
                while (!fake.isClosed()) {
                    try (Socket s = fake.accept(); InputStream in = s.getInputStream()) {
                        in.readNBytes(8); // the SSLRequest
                        s.getOutputStream().write('S');
                        s.getOutputStream().write("not a TLS server hello at all".getBytes());
                        s.getOutputStream().flush();
                        in.read();
                    } catch (Exception ignored) {
                        // the client hung up, or the test is over
                    }
                }
            });
            String url = "jdbc:postgresql://127.0.0.1:" + fake.getLocalPort() + "/postgres?sslmode=verify-full"
                    + "&connectTimeout=2&socketTimeout=2&sslrootcert=";
            // the handshake fails
            assertThat(StoreHealth.code(connect(url + anyCa(), "postgres"))).isEqualTo("tls-failed");
            // no CA file to verify against (pgjdbc's default is ~/.postgresql/root.crt)
            assertThat(StoreHealth.code(connect(url + "/nonexistent/ca.pem", "postgres"))).isEqualTo("tls-failed");
        }
        // a store that offers no TLS while Himoya requires it (the embedded server has none)
        assertThat(StoreHealth.code(connect("jdbc:postgresql://127.0.0.1:" + EmbeddedDatabase.get().getPort()
                + "/postgres?sslmode=verify-full", "postgres"))).isEqualTo("connection-rejected");
        assertThat(StoreHealth.code(new SQLException("relation \"users\" does not exist", "42P01")))
                .isEqualTo("sql-42P01");
    }

    /** A PEM file holding one CA certificate of the JDK's own trust store: any CA will do, the server has none. */
    private static String anyCa() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(java.nio.file.Path.of(
                System.getProperty("java.home"), "lib", "security", "cacerts").toFile(), (char[]) null);
        java.security.cert.Certificate ca = ks.getCertificate(ks.aliases().nextElement());
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("himoya-ca", ".pem");
        pem.toFile().deleteOnExit();
        java.nio.file.Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64,
                new byte[] {'\n'}).encodeToString(ca.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return pem.toString();
    }

    private static SQLException connect(String url, String user) {
        try (Connection c = DriverManager.getConnection(url, user, "postgres")) {
            throw new AssertionError("connected");
        } catch (SQLException e) {
            return e;
        }
    }

    private static String row(String app, String store) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reachable, since, last_error, checked_at FROM app_store_health WHERE app_id = ?"
                        + " AND store = ?")) {
            ps.setString(1, app);
            ps.setString(2, store);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("a row for %s/%s", app, store).isTrue();
                return rs.getBoolean(1) + "|" + rs.getTimestamp(2).toInstant() + "|" + rs.getString(3) + "|"
                        + rs.getTimestamp(4).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgroalDataSource pool(String url) throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier().metricsEnabled(false)
                .connectionPoolConfiguration(cp -> cp.maxSize(2).acquisitionTimeout(Duration.ofSeconds(3))
                        .connectionFactoryConfiguration(cf -> cf.jdbcUrl(url)
                                .principal(new NamePrincipal("postgres")).credential(new SimplePassword("postgres")))));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
