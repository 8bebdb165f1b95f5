package uz.himoya.retention;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.store.AppRegistry;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Every app's sweep rules, in order: the map's retention rules (children before parents, as the map orders
 * tables), then Himoya's own. Compiled on first use and kept: a function that never sweeps never pays.
 */
@ApplicationScoped
public class RetentionPlans {
    private static final Logger LOG = Logger.getLogger(RetentionPlans.class);

    private final AppRegistry apps;
    private final AgroalDataSource dataSource;
    private final Secrets secrets;
    private final HimoyaConfig config;
    private final Map<String, Map<String, SweepRule>> plans = new ConcurrentHashMap<>();

    public RetentionPlans(AppRegistry apps, AgroalDataSource dataSource, Secrets secrets, HimoyaConfig config) {
        this.apps = apps;
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.config = config;
    }

    /** The app's rules by name; the app must be served (checked by the caller). */
    public Map<String, SweepRule> rules(String appId) {
        return plans.computeIfAbsent(appId, this::compile);
    }

    private Map<String, SweepRule> compile(String appId) {
        AppRegistry.CompiledApp app = apps.require(appId);
        PrivacyMap map = app.map();
        Map<String, SweepRule> rules = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            // PostgreSQL stores only until the sweep runs batches on MySQL/MariaDB stores too (issue 11).
            PrivacyMap pgOnly = map.withTables(map.tables().stream()
                    .filter(t -> !map.store(t.store()).kind().mysqlFamily()).toList());
            for (MapRule r : RetentionPlanner.plan(pgOnly, app.catalogues(), secrets.erasurePseudonymKey())) {
                warnIfUnindexed(c, map, r);
                rules.put(r.name(), r);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the catalogue of app " + appId + ": " + e.getSQLState(), e);
        }
        OwnRules.forApp(config).forEach(r -> rules.put(r.name(), r));
        return Collections.unmodifiableMap(rules);
    }

    /**
     * Batches walk the retention column in order; without an index leading with it, every batch scans the
     * table. Not an error (small tables do fine), but the app's owners should know.
     */
    private static void warnIfUnindexed(Connection c, PrivacyMap map, MapRule rule) throws SQLException {
        String column = map.table(rule.name()).orElseThrow().retention().orElseThrow().column();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                 WHERE n.nspname = ? AND t.relname = ? AND a.attname = ?""")) {
            ps.setString(1, map.store(map.table(rule.name()).orElseThrow().store()).schema());
            ps.setString(2, rule.name());
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    LOG.warnf("app=%s rule=%s: no index leads with %s; every sweep batch scans the table",
                            map.app().id(), rule.name(), column);
                }
            }
        }
    }
}
