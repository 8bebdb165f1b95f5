package uz.himoya.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.PgServer;
import uz.himoya.testing.TestCertificates;

/**
 * "TLS verified" (issue 11, part 2) against a real PostgreSQL speaking TLS, through the pool StoreConnections
 * makes: verify-full connects with the store's CA file and refuses another CA, another host name, and (with no
 * CA file, as on Lambda) a certificate the JVM's trust store does not vouch for. Each refusal is tls-failed.
 */
class StoreTlsTest {
    private static EmbeddedPostgres server;
    private static TestCertificates certs;
    private static TestCertificates strangers;

    @BeforeAll
    static void start() {
        Path folder = PgServer.buildDir().resolve("store-tls");
        // The certificate names the address only: a client asking for "localhost" must refuse it.
        certs = TestCertificates.make(folder.resolve("certs"), "ip:127.0.0.1");
        strangers = TestCertificates.make(folder.resolve("other-ca"), "ip:127.0.0.1");
        server = PgServer.start(folder.resolve("pg"), 0, true, null, Map.of(
                "ssl", "on",
                "ssl_cert_file", certs.serverCertPem().toAbsolutePath().toString(),
                "ssl_key_file", certs.serverKeyPem().toAbsolutePath().toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void verifyFullConnectsOverTlsWithTheStoresCaFile() throws Exception {
        try (AgroalDataSource pool = pool("127.0.0.1", Optional.of(certs.caPem()));
                Connection c = pool.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "the session runs over TLS");
        }
    }

    @Test
    void anotherCaIsRefused() throws Exception {
        assertRefused("127.0.0.1", Optional.of(strangers.caPem()));
    }

    @Test
    void anotherHostNameIsRefused() throws Exception {
        assertRefused("localhost", Optional.of(certs.caPem()));
    }

    @Test
    void withoutCaFileOnlyTheJvmsTrustStoreCounts() throws Exception {
        // Lambda has no ~/.postgresql/root.crt: the JVM's trust store decides, and it does not know this CA.
        assertRefused("127.0.0.1", Optional.empty());
    }

    private static void assertRefused(String host, Optional<Path> caFile) throws Exception {
        try (AgroalDataSource pool = pool(host, caFile)) {
            SQLException e = assertThrows(SQLException.class, pool::getConnection);
            assertEquals("tls-failed", StoreHealth.code(e));
        }
    }

    private static AgroalDataSource pool(String host, Optional<Path> caFile) throws SQLException {
        return StoreConnections.pool(PrivacyMap.StoreKind.POSTGRESQL, new StoreConnections.Settings(host,
                server.getPort(), "postgres", "postgres", "", "verify-full",
                caFile.map(p -> p.toAbsolutePath().toString()), Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }
}
