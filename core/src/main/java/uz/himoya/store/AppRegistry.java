package uz.himoya.store;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.StoreUnavailable;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.MapProblem;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.store.port.SubjectFinder;
import uz.himoya.store.port.SubjectRows;

/**
 * The apps this deployment serves. Each map is parsed at start-up: a map that is not valid YAML or breaks
 * the map's rules stops the function from starting, with file, line and problem in the log (that is a
 * deployment bug). Checking a map against its stores' catalogues needs the app's own databases, which may be
 * down, or may have changed under the map: that never stops Himoya from starting or serving the other apps.
 * An app whose stores cannot be read is served as soon as they can: its work waits ({@link StoreUnavailable},
 * retried like any outage), and ops see why (GET /v1/ops/apps).
 */
@Startup
@ApplicationScoped
public class AppRegistry {
    private static final Logger LOG = Logger.getLogger(AppRegistry.class);
    /** How soon an app that could not be compiled is tried again: a store down must not be hammered. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(20);
    private static final Pattern APP_ID = Pattern.compile("[a-z0-9-]{2,40}");

    /**
     * An app ready to serve: its map (tables in erasure order), each store's catalogue and erasure (by store
     * name, in the map's store order), and how to find subjects in the subject's store.
     */
    public record CompiledApp(PrivacyMap map, Map<String, Catalogue> catalogues, Map<String, StoreEraser> erasers,
            SubjectFinder subjects) {
        public PrivacyMap.App app() {
            return map.app();
        }

        /** The erasure of one store's tables (empty for a store the map keeps nothing of the subject in). */
        public StoreEraser eraser(String store) {
            return erasers.get(store);
        }

        /** A subject's rows in one store of the app, read as its erasure reaches them (built on each call). */
        public SubjectRows rows(String store) {
            return StoreDialects.of(map.store(store).kind()).rows(map, store, catalogues.get(store));
        }
    }

    /** Why an app is not compiled yet: since when, and the last error code (no message: it may quote data). */
    public record Unavailable(Instant since, Instant lastTried, String store, String code) {
    }

    private final StoreConnections stores;
    private final HimoyaConfig config;
    private final Secrets secrets;
    private final Clock clock;
    private final StoreHealth health;
    private final Map<String, PrivacyMap> parsed = new LinkedHashMap<>();
    private final Map<String, CompiledApp> compiled = new ConcurrentHashMap<>();
    private final Map<String, Unavailable> unavailable = new ConcurrentHashMap<>();

    public AppRegistry(StoreConnections stores, HimoyaConfig config, Secrets secrets, Clock clock,
            StoreHealth health) {
        this.health = health;
        this.stores = stores;
        this.config = config;
        this.secrets = secrets;
        this.clock = clock;
    }

    @PostConstruct
    void load() {
        Optional<Path> mapDir = config.mapDir().map(Path::of);
        for (String id : config.apps()) {
            parsed.put(id, parse(id, mapDir, config.webhookLocalRun()));
        }
        for (String id : parsed.keySet()) {
            tryCompile(id);
        }
    }

    /** Reads and checks one bundled map's own rules (no database), as AWS would. */
    public static PrivacyMap parse(String id) {
        return parse(id, Optional.empty(), false);
    }

    /** As {@link #parse(String, Optional, boolean)}, without the local run's webhook allowance. */
    public static PrivacyMap parse(String id, Optional<Path> mapDir) {
        return parse(id, mapDir, false);
    }

    /**
     * Reads and checks one map's own rules (no database): mapDir/&lt;id&gt;.yaml where that file exists
     * (himoya.map-dir, the local run), else the bundled privacy-maps/&lt;id&gt;.yaml. Errors name the file read.
     * webhookPlaintext: the local run's and the tests' allowance (himoya.webhook-local-run).
     */
    public static PrivacyMap parse(String id, Optional<Path> mapDir, boolean webhookPlaintext) {
        // Only a well-formed id becomes a file name: a configured id like "../x" never leaves the folder.
        Optional<Path> own = mapDir.filter(d -> APP_ID.matcher(id).matches()).map(d -> d.resolve(id + ".yaml"))
                .filter(Files::isRegularFile);
        String file = own.map(Path::toString).orElse("privacy-maps/" + id + ".yaml");
        PrivacyMap map = PrivacyMapParser.parse(file, own.isPresent() ? read(own.get()) : resource(file, mapDir),
                webhookPlaintext);
        if (!map.app().id().equals(id)) {
            throw new PrivacyMapException(List.of(new MapProblem(file, 1, "app.id '" + map.app().id()
                    + "' does not match the file name")));
        }
        return map;
    }

    /**
     * Validates a parsed map against its stores' catalogues and plans it. connect opens a connection to a
     * store; the ledger is created where the map allows it.
     */
    public static CompiledApp compile(PrivacyMap parsed, StoreOpener connect, String pseudonymKey)
            throws SQLException {
        Map<String, Catalogue> catalogues = new LinkedHashMap<>();
        for (PrivacyMap.Store store : parsed.stores()) {
            try (Connection c = connect.open(store)) {
                if (store.createLedger()) {
                    Ledger.create(c, store);
                }
                Catalogue catalogue = StoreDialects.of(store.kind()).catalogue(c, store.schema());
                if (catalogue.tables().isEmpty()) {
                    throw new PrivacyMapException(List.of(new MapProblem(parsed.source(), store.line(), "store "
                            + store.name() + ": schema '" + store.schema() + "' has no tables (or does not exist)")));
                }
                catalogues.put(store.name(), catalogue);
            }
        }
        PrivacyMap map = CatalogueValidator.validate(parsed, catalogues);
        Map<String, StoreEraser> erasers = new LinkedHashMap<>();
        for (PrivacyMap.Store store : map.stores()) {
            erasers.put(store.name(), StoreDialects.of(store.kind()).eraser(map, store.name(),
                    catalogues.get(store.name()), pseudonymKey));
        }
        PrivacyMap.Store subjectStore = map.subjectStore();
        return new CompiledApp(map, Collections.unmodifiableMap(catalogues), Collections.unmodifiableMap(erasers),
                StoreDialects.of(subjectStore.kind()).subjects(map, catalogues.get(subjectStore.name())));
    }

    /**
     * Parses and compiles a bundled map whose stores are all reached on one connection (benchmarks and tests
     * that put an app's tables beside Himoya's); the connection stays open.
     */
    public static CompiledApp compile(Connection c, String id, String pseudonymKey) throws SQLException {
        Connection shared = (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return compile(parse(id), store -> shared, pseudonymKey);
    }

    @FunctionalInterface
    public interface StoreOpener {
        Connection open(PrivacyMap.Store store) throws SQLException;
    }

    /** Whether this deployment serves the app (whatever its stores' state). */
    public boolean serves(String appId) {
        return parsed.containsKey(appId);
    }

    /** The app's settings from its map; needs no store. */
    public PrivacyMap.App app(String appId) {
        return map(appId).app();
    }

    /** The app's map: validated (tables in erasure order) once compiled, as parsed before. */
    public PrivacyMap map(String appId) {
        CompiledApp c = compiled.get(appId);
        if (c != null) {
            return c.map();
        }
        PrivacyMap m = parsed.get(appId);
        if (m == null) {
            throw new IllegalStateException("app '" + appId + "' is not served by this deployment");
        }
        return m;
    }

    public List<String> ids() {
        return List.copyOf(parsed.keySet());
    }

    /** The compiled app, compiling it now if it was not yet; throws StoreUnavailable while it cannot be. */
    public CompiledApp require(String appId) {
        if (!parsed.containsKey(appId)) {
            throw new IllegalStateException("app '" + appId + "' is not served by this deployment");
        }
        CompiledApp app = compiled.get(appId);
        if (app != null) {
            return app;
        }
        Unavailable u = unavailable.get(appId);
        if (u == null || !clock.instant().isBefore(u.lastTried().plus(RETRY_AFTER))) {
            app = tryCompile(appId);
            if (app != null) {
                return app;
            }
            u = unavailable.get(appId);
        }
        throw new StoreUnavailable(appId, u.store(), u.code());
    }

    /** Why the app is not compiled, if it is not. */
    public Optional<Unavailable> unavailable(String appId) {
        return compiled.containsKey(appId) ? Optional.empty() : Optional.ofNullable(unavailable.get(appId));
    }

    private synchronized CompiledApp tryCompile(String appId) {
        CompiledApp done = compiled.get(appId);
        if (done != null) {
            return done;
        }
        PrivacyMap map = parsed.get(appId);
        String[] at = {map.subject().store()};
        try {
            CompiledApp app = compile(map, store -> {
                at[0] = store.name();
                return stores.open(store);
            }, secrets.erasurePseudonymKey());
            compiled.put(appId, app);
            health.reachable(appId, map.stores().stream().map(PrivacyMap.Store::name).toList(), clock.instant());
            if (unavailable.remove(appId) != null) {
                LOG.infof("app=%s: its stores are reachable and match the map again; serving it", appId);
            }
            return app;
        } catch (PrivacyMapException e) {
            // The map no longer matches the store (a column renamed, a table dropped): the app waits until the
            // map or the schema is put right. The problems name only the map's own identifiers and lines.
            LOG.errorf("app=%s: its map does not match store %s; the app waits:%n%s", appId, at[0], e.getMessage());
            failed(appId, at[0], "map-mismatch");
        } catch (SQLException | RuntimeException e) {
            String code = e instanceof StoreConnections.NotConfigured ? "store-not-configured"
                    : StoreHealth.code(e);
            LOG.warnf("app=%s: store %s cannot be read (%s); the app waits", appId, at[0], code);
            failed(appId, at[0], code);
        }
        return null;
    }

    private void failed(String appId, String store, String code) {
        Instant now = clock.instant();
        unavailable.compute(appId, (k, old) -> new Unavailable(old == null ? now : old.since(), now, store, code));
        health.unreachable(appId, store, code, now);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private static String resource(String file, Optional<Path> mapDir) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                throw new PrivacyMapException(List.of(new MapProblem(file, 0, "privacy map not found on the"
                        + " classpath" + mapDir.map(d -> " nor in " + d).orElse("") + " (is the app id listed in"
                        + " himoya.apps and the file in privacy-maps/?)")));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
