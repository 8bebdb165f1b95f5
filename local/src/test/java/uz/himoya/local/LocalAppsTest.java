package uz.himoya.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uz.himoya.store.AppRegistry;

/**
 * A newcomer's own app in the local run, from local/apps.local.properties: checked before anything starts,
 * passed to the functions, and its embedded store kept between runs. On a real embedded PostgreSQL.
 */
class LocalAppsTest {
    static final List<String> SERVED = List.of("demo");
    static final List<String> TAKEN = List.of(LocalCloud.DEMO_KEY, LocalCloud.OPS_KEY);

    @TempDir
    Path root;

    @Test
    void shouldServeNoOwnApp_whenTheFileIsAbsent() throws IOException {
        assertThat(LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS)).isEmpty();
    }

    @Test
    void shouldNameEveryKeyAtFaultAndNoValue_whenTheFileIsWrong() throws IOException {
        // Arrange
        file("""
                apps=shop,demo
                key.shop=demo-app-key-local-only
                key.blog=blog-key
                store.shop-main.password=s3cret-value
                store.shop-main.port=five
                stores.typo=1
                """);

        // Act / Assert
        assertThatThrownBy(() -> LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LocalApps.FILE)
                .hasMessageContaining("unknown setting 'stores.typo'")
                .hasMessageContaining("app 'demo' is served by the local run already")
                .hasMessageContaining("'key.shop' is a key another app has already")
                .hasMessageContaining("'key.demo' is missing")
                .hasMessageContaining("'key.blog' is for an app that 'apps' does not list")
                .hasMessageContaining("'store.shop-main.port' is not a number")
                .hasMessageContaining("'store.shop-main.host' is missing")
                .message().doesNotContain("s3cret-value").doesNotContain("five").doesNotContain("blog-key");
    }

    @Test
    void shouldNameTheConnection_whenTheMapsStoreHasNoSettings() throws IOException {
        // Arrange: the map's store uses connection shop-main; the file configures another one
        map("shop", "shop-main");
        file("""
                apps=shop
                key.shop=shop-key
                store.other.embedded=postgresql
                """);

        // Act / Assert
        assertThatThrownBy(() -> LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS))
                .hasMessageContaining("store 'shop' of its map uses connection 'shop-main'");
    }

    @Test
    void shouldPassTheMapsFolderTheStoreAndTheKey_whenTheStoreIsTheUsersOwn() throws IOException {
        // Arrange
        map("shop", "shop-main");
        file("""
                apps=shop
                key.shop=shop-key-local-only
                store.shop-main.host=db.internal
                store.shop-main.port=6432
                store.shop-main.database=shop
                store.shop-main.username=himoya
                store.shop-main.password=pw
                """);

        // Act
        LocalApps apps = LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS).orElseThrow();

        // Assert
        assertThat(apps.ids()).containsExactly("shop");
        assertThat(apps.functionConfig()).containsAllEntriesOf(Map.of(
                "himoya.map-dir", root.resolve("local-own/maps").toString(),
                "himoya.store.\"shop-main\".host", "db.internal",
                "himoya.store.\"shop-main\".port", "6432",
                "himoya.store.\"shop-main\".database", "shop",
                "himoya.store.\"shop-main\".username", "himoya",
                "himoya.store.\"shop-main\".password", "pw",
                "himoya.store.\"shop-main\".tls", "disable"));
        assertThat(apps.httpConfig()).containsExactly(Map.entry("himoya.bootstrap-keys.shop", "shop-key-local-only"));
    }

    @Test
    void shouldKeepTheEmbeddedStoresData_betweenRuns() throws Exception {
        // Arrange: the user's schema (the demo shop's) as the init script of an embedded store
        map("shop", "shop-main");
        Files.writeString(root.resolve("shop-schema.sql"), resource("demo/schema.sql") + resource("demo/seed.sql"));
        file("""
                apps=shop
                key.shop=shop-key
                store.shop-main.embedded=postgresql
                store.shop-main.port=%d
                store.shop-main.init=shop-schema.sql
                """.formatted(freePort()));
        Path binaries = Path.of("target", "embedded-servers", "postgresql").toAbsolutePath();
        LocalApps first = LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS).orElseThrow();
        first.startEmbedded(binaries);
        Map<String, String> config = first.functionConfig();
        String url = "jdbc:postgresql://127.0.0.1:" + config.get("himoya.store.\"shop-main\".port") + "/postgres";
        // the map matches the store from the first start on: the schema was there before the map was checked
        AppRegistry.compile(AppRegistry.parse("shop", Optional.of(first.mapDir())),
                store -> DriverManager.getConnection(url, "postgres", "postgres"), "00");
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("UPDATE demo_app.users SET full_name = 'Kept Between Runs' WHERE id = 1001");
        }
        first.stopEmbedded();

        // Act: the next run (init is not run again: its CREATE SCHEMA would fail on the kept schema)
        LocalApps second = LocalApps.load(root, SERVED, TAKEN, LocalServices.CONNECTIONS).orElseThrow();
        second.startEmbedded(binaries);

        // Assert
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT full_name FROM demo_app.users WHERE id = 1001")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Kept Between Runs");
        } finally {
            second.stopEmbedded();
        }
        assertThat(root.resolve("local-own/shop-main/data/PG_VERSION")).exists();
    }

    private void file(String text) throws IOException {
        Files.createDirectories(root.resolve("local"));
        Files.writeString(root.resolve(LocalApps.FILE), text);
    }

    /** The demo shop's map as the user's app id, its store on the given connection. */
    private void map(String id, String connection) throws IOException {
        Path dir = Files.createDirectories(root.resolve("local-own/maps"));
        Files.writeString(dir.resolve(id + ".yaml"), resource("privacy-maps/demo.yaml").replace("id: demo", "id: " + id)
                .replace("connection: demo-shop", "connection: " + connection));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = LocalAppsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
