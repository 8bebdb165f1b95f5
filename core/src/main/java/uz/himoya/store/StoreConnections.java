package uz.himoya.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import uz.himoya.config.HimoyaConfig;
import org.jboss.logging.Logger;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Connections to the apps' own databases: one small pool per store (at most two connections: a function
 * instance serves one event at a time, and a sweep holds one while the worker's erasure may need another),
 * created on first use, so a function that never touches a store never connects to it. SnapStart: every
 * pool is closed before the snapshot and after a restore (uz.himoya.snapstart.SnapStartPriming), since a
 * socket in a snapshot is dead on every restored copy.
 *
 * <p>Settings per connection name (the map's store.connection), from config: himoya.store."name".host, port,
 * database, username, password, tls (verify-full, the default; disable only where
 * himoya.store-plaintext-allowed is true, the local run and the tests), ca-file (PEM bundle to verify
 * against, e.g. the RDS CA bundle), connect-timeout, statement-timeout. In AWS the same keys come from the
 * store's Secrets Manager secret (uz.himoya.aws.secrets.SecretsConfigSourceFactory).
 *
 * <p>Each session gets the store's statement timeout (PostgreSQL statement_timeout, MariaDB
 * max_statement_time, MySQL max_execution_time) and a socket timeout beyond it, so one slow app store never
 * stalls a function that serves other apps.
 */
@ApplicationScoped
public class StoreConnections {
    private static final Logger LOG = Logger.getLogger(StoreConnections.class);

    /** A store's connection settings. The password never appears in toString. */
    public record Settings(String host, int port, String database, String username, String password, String tls,
            Optional<String> caFile, Duration connectTimeout, Duration statementTimeout) {
        @Override
        public String toString() {
            return "Settings[" + host + ":" + port + "/" + database + ", tls=" + tls + "]";
        }
    }

    /** The store's settings are missing or invalid: a deployment problem, reported by name only. */
    public static final class NotConfigured extends RuntimeException {
        NotConfigured(String connection, String what) {
            super("store connection '" + connection + "': " + what, null, false, false);
        }
    }

    private final HimoyaConfig config;
    private final Map<String, AgroalDataSource> pools = new ConcurrentHashMap<>();

    public StoreConnections(HimoyaConfig config) {
        this.config = config;
    }

    /** A connection to the store, auto-commit on; the caller closes it (back to the pool). */
    public Connection open(PrivacyMap.Store store) throws SQLException {
        Connection c = pools.computeIfAbsent(store.connection(), n -> pool(store)).getConnection();
        return config.storeWorkLimit().isPresent()
                ? WorkLimit.guard(c, config.storeWorkLimit().get(), store.connection())
                : c;
    }

    /** Closes every pool; the next use opens a new one. Before a SnapStart snapshot, after a restore, at exit. */
    @PreDestroy
    public void closeAll() {
        for (String name : pools.keySet()) {
            AgroalDataSource ds = pools.remove(name);
            if (ds != null) {
                try {
                    ds.close();
                } catch (RuntimeException e) {
                    LOG.warnf("closing store pool %s failed (%s)", name, e.getClass().getName());
                }
            }
        }
    }

    /** How many pools are open (tests and the snapshot hook check that none survive). */
    public int openPools() {
        return pools.size();
    }

    public Settings settings(String connection) {
        HimoyaConfig.Store c = config.store().get(connection);
        if (c == null) {
            throw new NotConfigured(connection, "no settings (himoya.store.\"" + connection + "\".*)");
        }
        if (!c.tls().equals("verify-full") && !(c.tls().equals("disable") && config.storePlaintextAllowed())) {
            // Personal data crosses this connection: only a verified TLS connection, except on a local machine.
            throw new NotConfigured(connection, "tls must be verify-full");
        }
        // No statement may outlast the function's whole store work limit (himoya.store-work-limit).
        Duration statementTimeout = config.storeWorkLimit()
                .filter(limit -> limit.compareTo(c.statementTimeout()) < 0)
                .orElse(c.statementTimeout());
        return new Settings(c.host(), c.port(), c.database(), c.username(), c.password(), c.tls(), c.caFile(),
                c.connectTimeout(), statementTimeout);
    }

    private AgroalDataSource pool(PrivacyMap.Store store) {
        try {
            return pool(store.kind(), settings(store.connection()));
        } catch (SQLException e) {
            throw new NotConfigured(store.connection(), "pool not created (" + e.getSQLState() + ")");
        }
    }

    /** The pool of one store (WorkLimitTest builds it for the embedded servers). */
    static AgroalDataSource pool(PrivacyMap.StoreKind kind, Settings s) throws SQLException {
        StoreDriver driver = StoreDriver.of(kind);
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(false)
                .connectionPoolConfiguration(cp -> cp
                        .minSize(0).initialSize(0).maxSize(2)
                        // A connection that failed as a connection (class 08: the store restarted, a
                        // network cut, an abort over the work limit) is dropped, never handed out again.
                        .exceptionSorter(StoreConnections::fatal)
                        .acquisitionTimeout(s.connectTimeout().plusSeconds(1))
                        // Idle connections go before a store's own idle timeout (or a NAT's) can cut them.
                        .reapTimeout(Duration.ofMinutes(4))
                        .validationTimeout(Duration.ofMinutes(1))
                        .connectionFactoryConfiguration(cf -> {
                            cf.connectionProviderClassName(driver.driverClass())
                                    .jdbcUrl(driver.url(s))
                                    .principal(new NamePrincipal(s.username()))
                                    .credential(new SimplePassword(s.password()))
                                    .autoCommit(true);
                            driver.properties(s).forEach(cf::jdbcProperty);
                            driver.sessionSql(kind, s).ifPresent(cf::initialSql);
                            return cf;
                        })));
    }

    static boolean fatal(SQLException e) {
        return e instanceof SQLNonTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
    }
}
