package uz.himoya.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import uz.himoya.privacymap.PrivacyMap;

/** Which certificates a store's TLS is checked against, per kind: never the driver's own defaults. */
class StoreDriverTest {

    private static StoreConnections.Settings settings(String tls, Optional<String> caFile) {
        return new StoreConnections.Settings("db.shop.example", 5432, "shop", "himoya", "secret", tls, caFile,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Test
    void shouldVerifyAgainstTheJavaTrustStore_whenAPostgreSqlStoreNamesNoCaFile() {
        // Act
        var p = StoreDriver.of(PrivacyMap.StoreKind.POSTGRESQL).properties(settings("verify-full", Optional.empty()));

        // Assert: not pgjdbc's default ~/.postgresql/root.crt, which no Lambda has
        assertThat(p).containsEntry("sslmode", "verify-full")
                .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory").doesNotContainKey("sslrootcert");
    }

    @Test
    void shouldVerifyAgainstTheCaFile_whenAPostgreSqlStoreNamesOne() {
        // Act
        var p = StoreDriver.of(PrivacyMap.StoreKind.POSTGRESQL).properties(settings("verify-full",
                Optional.of("/opt/rds-global-bundle.pem")));

        // Assert
        assertThat(p).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/opt/rds-global-bundle.pem")
                .doesNotContainKey("sslfactory");
    }

    @Test
    void shouldVerifyTheServer_whenAMariaDbStoreUsesTls() {
        // Act
        var p = StoreDriver.of(PrivacyMap.StoreKind.MARIADB).properties(settings("verify-full", Optional.empty()));

        // Assert: the MariaDB connector checks the JVM's trust store and the host name
        assertThat(p).containsEntry("sslMode", "verify-full").doesNotContainKey("serverSslCert");
    }
}
