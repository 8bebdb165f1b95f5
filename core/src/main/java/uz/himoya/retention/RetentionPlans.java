package uz.himoya.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.SqlErrors;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.StoreConnections;
import uz.himoya.store.StoreDialects;
import uz.himoya.store.port.SubjectFinder;
import uz.himoya.store.port.SweepRule;

/**
 * Every app's sweep rules, in order: the map's retention rules (children before parents, as the map orders
 * tables), each in its store's dialect and run in that store, then Himoya's own. Compiled on first use and
 * kept: a function that never sweeps never pays.
 */
@ApplicationScoped
public class RetentionPlans {
    private static final Logger LOG = Logger.getLogger(RetentionPlans.class);

    /** An app's compiled sweep: its rules by name, and how its subjects are found for the exclusions. */
    private record Compiled(Map<String, PlannedRule> rules, PrivacyMap.Store subjectStore,
            SubjectFinder subjects) {
    }

    private final AppRegistry apps;
    private final StoreConnections stores;
    private final Secrets secrets;
    private final HimoyaConfig config;
    private final Map<String, Compiled> plans = new ConcurrentHashMap<>();

    public RetentionPlans(AppRegistry apps, StoreConnections stores, Secrets secrets, HimoyaConfig config) {
        this.apps = apps;
        this.stores = stores;
        this.secrets = secrets;
        this.config = config;
    }

    /** The app's rules by name; the app must be served (checked by the caller). */
    public Map<String, PlannedRule> rules(String appId) {
        return plans.computeIfAbsent(appId, this::compile).rules();
    }

    /** A fresh set of exclusions for one invocation's run of the app (it caches resolved requests). */
    public Exclusions exclusions(String appId) {
        Compiled c = plans.computeIfAbsent(appId, this::compile);
        return new Exclusions(secrets, appId, c.subjectStore(), c.subjects());
    }

    private Compiled compile(String appId) {
        AppRegistry.CompiledApp app = apps.require(appId);
        PrivacyMap map = app.map();
        Map<String, PlannedRule> rules = new LinkedHashMap<>();
        List<PlannedRule> planned = plan(map, app.catalogues(), secrets.erasurePseudonymKey());
        planned.forEach(r -> rules.put(r.name(), r));
        warnIfUnindexed(map, planned);
        OwnRules.forApp(config).forEach(r -> rules.put(r.name(), PlannedRule.own(r)));
        return new Compiled(Collections.unmodifiableMap(rules), map.subjectStore(),
                StoreDialects.of(map.subjectStore().kind()).subjects(map,
                        app.catalogues().get(map.subject().store())));
    }

    /**
     * The map's retention rules, each planned by its store's dialect (StoreDialects), in the map's table order
     * (children first) across stores.
     */
    static List<PlannedRule> plan(PrivacyMap map, Map<String, Catalogue> catalogues, String pseudonymKey) {
        Map<String, SweepRule> byTable = new HashMap<>();
        for (PrivacyMap.Store store : map.stores()) {
            StoreDialects.of(store.kind()).sweep(map, store.name(), catalogues.get(store.name()), pseudonymKey)
                    .forEach(r -> byTable.put(r.name(), r));
        }
        List<PlannedRule> planned = new ArrayList<>();
        for (PrivacyMap.Table t : map.tables()) {
            SweepRule rule = byTable.get(t.name());
            if (rule != null) {
                planned.add(PlannedRule.in(map.store(t.store()), rule));
            }
        }
        return List.copyOf(planned);
    }

    /**
     * Batches walk the retention column in order; without an index leading with it, every batch scans the
     * table. Not an error (small tables do fine), but the app's owners should know. Read from each store's
     * own catalogue; a store that cannot be read now is not checked (its batches will meet the outage).
     */
    private void warnIfUnindexed(PrivacyMap map, List<PlannedRule> rules) {
        for (PrivacyMap.Store store : map.stores()) {
            List<PlannedRule> here = rules.stream().filter(r -> r.store().orElseThrow().equals(store)).toList();
            if (here.isEmpty()) {
                continue;
            }
            try (Connection c = stores.open(store)) {
                for (PlannedRule r : here) {
                    String column = map.table(r.name()).orElseThrow().retention().orElseThrow().column();
                    if (!StoreDialects.of(store.kind()).indexed(c, store.schema(), r.name(), column)) {
                        LOG.warnf("app=%s rule=%s: no index leads with %s; every sweep batch scans the table",
                                map.app().id(), r.name(), column);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warnf("app=%s store=%s: indexes not checked (%s)", map.app().id(), store.name(), SqlErrors.code(e));
            }
        }
    }
}
