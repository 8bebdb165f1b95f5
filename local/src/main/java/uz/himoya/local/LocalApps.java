package uz.himoya.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.PgServer;

/**
 * A newcomer's own apps in the local run (issue 11, part 9, "loading order"), read from
 * local/apps.local.properties: a file of the user's, which git ignores and run-local never changes. It names
 * each app, its API key, and the stores its map's connections lead to: a database the user runs (host, port,
 * ...), or an embedded PostgreSQL the local run starts, whose data lives in local-own/&lt;connection&gt;/ and is
 * kept between runs (run-local wipes only local-data/ and local-mailbox/). The maps are read from a folder
 * (himoya.map-dir, default local-own/maps), so a map is served without rebuilding the functions.
 *
 * <p>Example (README, "Serve your own app locally"; local/apps.local.properties.example):
 *
 * <pre>
 * apps=shop
 * key.shop=shop-key-local-only
 * store.shop-main.embedded=postgresql
 * store.shop-main.init=local-own/shop-schema.sql
 * </pre>
 *
 * Settings are checked before anything starts; a problem names the key, never the value (it may be a
 * password).
 */
final class LocalApps {
    static final String FILE = "local/apps.local.properties";
    static final String OWN = "local-own";
    /** The first port of the embedded own stores; each further one takes the next. */
    static final int FIRST_OWN_PORT = 54340;

    private static final Pattern ID = Pattern.compile("[a-z0-9-]{2,40}");
    private static final Pattern STORE_KEY = Pattern.compile("store\\.([A-Za-z0-9._-]+?)\\.([a-z-]+)");
    private static final Set<String> STORE_SETTINGS = Set.of("host", "port", "database", "username", "password",
            "tls", "ca-file", "connect-timeout", "statement-timeout", "embedded", "init");
    private static final Set<String> EMBEDDED_SETTINGS = Set.of("embedded", "port", "init", "statement-timeout",
            "connect-timeout");

    /** One store connection of the file: its settings as given (keys without the store.&lt;name&gt;. prefix). */
    record Store(String connection, Map<String, String> settings, int port) {
        boolean embedded() {
            return settings.containsKey("embedded");
        }
    }

    private final Path root;
    private final List<String> ids;
    private final Path mapDir;
    private final Map<String, String> keys;
    private final Map<String, Store> stores;
    private final List<EmbeddedPostgres> started = new ArrayList<>();

    private LocalApps(Path root, List<String> ids, Path mapDir, Map<String, String> keys,
            Map<String, Store> stores) {
        this.root = root;
        this.ids = ids;
        this.mapDir = mapDir;
        this.keys = keys;
        this.stores = stores;
    }

    /**
     * Reads root/local/apps.local.properties, if there is one, and checks it against the apps' maps.
     * served and takenKeys: the app ids and the keys the local run has already (they cannot be taken again);
     * known: the connections it configures already (an own app may use them too).
     */
    static Optional<LocalApps> load(Path root, Collection<String> served, Collection<String> takenKeys,
            Collection<String> known) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, Map<String, String>> storeSettings = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String id : p.getProperty("apps", "").split(",")) {
            if (!id.isBlank()) {
                ids.add(id.strip());
            }
        }
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).strip();
            Matcher store = STORE_KEY.matcher(key);
            if (key.equals("apps") || key.equals("map-dir")) {
                continue;
            } else if (key.startsWith("key.")) {
                keys.put(key.substring(4), value);
            } else if (store.matches() && STORE_SETTINGS.contains(store.group(2))) {
                storeSettings.computeIfAbsent(store.group(1), k -> new LinkedHashMap<>()).put(store.group(2), value);
            } else {
                problems.add("unknown setting '" + key + "' (valid: apps, map-dir, key.<app>, store.<connection>."
                        + String.join("|", new TreeSet<>(STORE_SETTINGS)) + ")");
            }
        }
        if (ids.isEmpty()) {
            problems.add("'apps' names no app (apps=<id>[,<id>...])");
        }
        Set<String> usedKeys = new LinkedHashSet<>(takenKeys);
        for (String id : ids) {
            if (!ID.matcher(id).matches()) {
                problems.add("app id in 'apps' must match [a-z0-9-]{2,40}");
            } else if (served.contains(id)) {
                problems.add("app '" + id + "' is served by the local run already (to change its map, put " + id
                        + ".yaml in map-dir)");
            }
            String key = keys.get(id);
            if (key == null || key.isEmpty()) {
                problems.add("'key." + id + "' is missing: the app's API key in the local run");
            } else if (!usedKeys.add(key)) {
                problems.add("'key." + id + "' is a key another app has already; every app needs its own");
            }
        }
        for (String k : keys.keySet()) {
            if (!ids.contains(k)) {
                problems.add("'key." + k + "' is for an app that 'apps' does not list");
            }
        }
        Map<String, Store> stores = new LinkedHashMap<>();
        int nextPort = FIRST_OWN_PORT;
        for (Map.Entry<String, Map<String, String>> e : storeSettings.entrySet()) {
            Map<String, String> s = e.getValue();
            String prefix = "store." + e.getKey() + ".";
            int port = 0;
            if (s.containsKey("port")) {
                try {
                    port = Integer.parseInt(s.get("port"));
                } catch (NumberFormatException x) {
                    problems.add("'" + prefix + "port' is not a number");
                }
            }
            if (s.containsKey("embedded")) {
                if (!s.get("embedded").equals("postgresql")) {
                    problems.add("'" + prefix + "embedded' must be postgresql (the only embedded kind for own stores)");
                }
                for (String k : s.keySet()) {
                    if (!EMBEDDED_SETTINGS.contains(k)) {
                        problems.add("'" + prefix + k + "' does not go with an embedded store (the local run sets it)");
                    }
                }
                if (s.containsKey("init") && !Files.isRegularFile(root.resolve(s.get("init")))) {
                    problems.add("'" + prefix + "init' names no file (a path relative to the checkout)");
                }
                if (port == 0) {
                    port = nextPort++;
                }
            } else {
                // A password too: the functions' store settings refuse an empty one.
                for (String k : List.of("host", "database", "username", "password")) {
                    if (!s.containsKey(k) || s.get(k).isEmpty()) {
                        problems.add("'" + prefix + k + "' is missing (or set " + prefix + "embedded=postgresql)");
                    }
                }
                if (s.containsKey("init")) {
                    problems.add("'" + prefix + "init' is for embedded stores only: load your own database yourself");
                }
            }
            stores.put(e.getKey(), new Store(e.getKey(), s, port));
        }
        Path mapDir = root.resolve(p.getProperty("map-dir", OWN + "/maps").strip()).normalize();
        LocalApps apps = new LocalApps(root, List.copyOf(ids), mapDir, keys, stores);
        if (problems.isEmpty()) {
            apps.checkMaps(known, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(FILE + ":\n  " + String.join("\n  ", problems));
        }
        return Optional.of(apps);
    }

    /** Each app's map must parse, and every connection it names must be configured here or by the local run. */
    private void checkMaps(Collection<String> known, List<String> problems) {
        for (String id : ids) {
            PrivacyMap map;
            try {
                map = AppRegistry.parse(id, Optional.of(mapDir), true); // the local run allows http webhooks
            } catch (PrivacyMapException e) {
                problems.add("app '" + id + "': its map cannot be used:\n" + e.getMessage());
                continue;
            }
            if (!map.source().startsWith(mapDir.toString())) {
                problems.add("app '" + id + "': no map " + mapDir.resolve(id + ".yaml"));
                continue;
            }
            for (PrivacyMap.Store s : map.stores()) {
                if (!stores.containsKey(s.connection()) && !known.contains(s.connection())) {
                    problems.add("app '" + id + "': store '" + s.name() + "' of its map uses connection '"
                            + s.connection() + "', which has no store." + s.connection() + ".* settings");
                }
            }
        }
    }

    /** Starts the embedded own stores, in local-own/&lt;connection&gt;/, loading init scripts into new ones only. */
    void startEmbedded(Path binaries) throws IOException, SQLException {
        for (Store s : stores.values()) {
            if (!s.embedded()) {
                continue;
            }
            Path folder = root.resolve(OWN).resolve(s.connection());
            boolean fresh = !Files.exists(folder.resolve("data/postgresql.conf"));
            // Never emptied: this is the user's data, kept between runs.
            EmbeddedPostgres pg = PgServer.start(folder, s.port(), false, binaries);
            started.add(pg);
            if (fresh && s.settings().containsKey("init")) {
                Path script = root.resolve(s.settings().get("init"));
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                    st.execute(Files.readString(script, StandardCharsets.UTF_8));
                }
                System.out.println("[local] your store " + s.connection() + ": new, loaded " + root.relativize(script));
            }
            System.out.println("[local] your store " + s.connection() + ": embedded PostgreSQL on 127.0.0.1:"
                    + s.port() + " (user/password postgres), data kept in " + root.relativize(folder));
        }
    }

    /** Stops the embedded own stores (their data stays); the JVM's exit does it too. */
    void stopEmbedded() throws IOException {
        for (EmbeddedPostgres pg : started) {
            pg.close();
        }
        started.clear();
    }

    /** The apps' ids, in the file's order. */
    List<String> ids() {
        return ids;
    }

    /** What every function needs for these apps: where the maps are and the stores' settings. */
    Map<String, String> functionConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("himoya.map-dir", mapDir.toString());
        for (Store s : stores.values()) {
            String prefix = "himoya.store.\"" + s.connection() + "\".";
            if (s.embedded()) {
                p.put(prefix + "host", "127.0.0.1");
                p.put(prefix + "port", Integer.toString(s.port()));
                p.put(prefix + "database", "postgres");
                p.put(prefix + "username", "postgres");
                p.put(prefix + "password", "postgres");
                p.put(prefix + "tls", "disable");
            } else {
                // A database on this machine rarely has TLS; set tls=verify-full (and ca-file) if yours does.
                p.put(prefix + "tls", "disable");
            }
            s.settings().forEach((k, v) -> {
                if (!k.equals("embedded") && !k.equals("init")) {
                    p.put(prefix + k, k.equals("ca-file") ? root.resolve(v).toString() : v);
                }
            });
        }
        return p;
    }

    /** The HTTP function's part: each app's API key, registered (as its SHA-256) at start. */
    Map<String, String> httpConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        keys.forEach((id, key) -> p.put("himoya.bootstrap-keys." + id, key));
        return p;
    }

    Path mapDir() {
        return mapDir;
    }
}
