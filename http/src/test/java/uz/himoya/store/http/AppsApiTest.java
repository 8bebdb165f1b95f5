package uz.himoya.store.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/**
 * Issue 11, isolation between apps: demo-down's store cannot be reached (nothing listens on its port) while
 * demo and demo-kg are served from theirs. Himoya starts, serves the healthy apps, keeps the broken app's
 * work waiting (not failed), and shows the outage to ops (GET /v1/ops/apps, the watchdog digest). Then a
 * second, real PostgreSQL comes up on that port: the app is served, its waiting request completes, and the
 * shared health row turns reachable.
 */
@QuarkusTest
@TestProfile(UnreachableStoreProfile.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class AppsApiTest {
    static final String OPS = "Bearer ops-test-key";
    /** The registry tries an app that could not be compiled again after 20 s (AppRegistry.RETRY_AFTER). */
    static final Duration AFTER_RETRY = Duration.ofSeconds(21);
    static EmbeddedPostgres downStore;

    @Inject
    DeletionWorker worker;
    @Inject
    TestClock clock;

    @AfterEach
    void cleanUp() {
        clock.reset();
    }

    @AfterAll
    static void stopSecondServer() throws Exception {
        if (downStore != null) {
            downStore.close();
        }
    }

    @Test
    void shouldServeTheHealthyAppsAndKeepTheBrokenAppWaiting_untilItsStoreComesBack() throws Exception {
        // Arrange: Himoya started with demo-down's store unreachable
        Himoya.reset(); // empties app_store_health too: the rows of the start are gone, this function remembers
        clock.reset();

        // Assert: ops see the outage (from this function's own view: the table was emptied)
        JsonPath apps = opsApps("");
        assertThat(apps.getList("apps.app", String.class)).containsExactly("demo", "demo-kg", "demo-down");
        assertThat(apps.getBoolean("apps.find { it.app == 'demo' }.serving")).isTrue();
        assertThat(apps.getBoolean("apps.find { it.app == 'demo' }.stores[0].reachable")).isTrue();
        assertThat(apps.getBoolean("apps.find { it.app == 'demo-down' }.serving")).isFalse();
        assertThat(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].name")).isEqualTo("shop");
        assertThat(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].kind")).isEqualTo("postgresql");
        assertThat(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].schema")).isEqualTo("demo_app");
        assertThat(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].connection")).isEqualTo("down-shop");
        assertThat(apps.getBoolean("apps.find { it.app == 'demo-down' }.stores[0].reachable")).isFalse();
        assertThat(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].lastError"))
                .isEqualTo("store-unreachable");
        Instant since = Instant.parse(apps.getString("apps.find { it.app == 'demo-down' }.stores[0].since"));

        // Act 1: a request for each app; the worker runs after the registry's retry period
        String healthy = intake("Bearer demo-test-key", "1001");
        String waiting = intake("Bearer down-test-key", "1002");
        clock.advance(AFTER_RETRY);
        Himoya.drain(worker::processBatch);

        // Assert 1: demo's user is erased; demo-down's request waits, uncounted, and is retried
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'COMPLETED'",
                healthy)).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isZero();
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status IN ('QUEUED',"
                + " 'IN_PROGRESS') AND attempts = 0 AND failed_at IS NULL", waiting)).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isEqualTo(1);

        // the worker's retry wrote the shared row (written in the background: wait for it)
        String row = awaitRow("demo-down", r -> r.startsWith("false|"));
        assertThat(row).isEqualTo("false|" + since + "|store-unreachable");
        JsonPath down = opsApps("?app=demo-down");
        assertThat(down.getList("apps.app", String.class)).containsExactly("demo-down");
        assertThat(down.getBoolean("sharedHealth")).isTrue();
        assertThat(Instant.parse(down.getString("apps[0].stores[0].since"))).isEqualTo(since);
        assertThat(Instant.parse(down.getString("apps[0].stores[0].lastTried"))).isAfter(since.plusSeconds(20));

        // Act 2: the watchdog's digests (demo's confirmation mail is not what this checks)
        SmtpResource.mail().purgeEmailFromAllMailboxes();
        JsonPath run = watchdog();

        // Assert 2: demo-down's contact (in Russian, its default) and ops hear of the store; demo does not
        assertThat(run.getList("digestsSent", String.class)).containsExactlyInAnyOrder("demo-down", "ops");
        assertThat(run.getString("notes[0].kind")).isEqualTo("store-unreachable");
        MimeMessage toApp = mailTo("privacy@down.example");
        assertThat(toApp.getSubject()).isEqualTo("Demo Down: Himoya не может связаться с некоторыми хранилищами"
                + " данных или системами");
        assertThat(text(toApp)).contains("Хранилище shop: недоступно с").contains("store-unreachable")
                .contains("Europe/Moscow");
        assertThat(text(mailTo("ops@himoya.example"))).contains("Store demo-down/shop: unreachable"
                + " since").contains("store-unreachable");
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(2);

        // half an hour later the outage goes on unchanged: the watchdog tries the app again, mails nobody
        clock.advance(Duration.ofMinutes(30));
        JsonPath again = watchdog();
        assertThat(again.getInt("redriven.app-stores")).isZero();
        assertThat(again.getList("digestsSent")).isEmpty();
        assertThat(Instant.parse(again.getString("notes[0].lastTried"))).isAfter(since.plus(Duration.ofMinutes(30)));
        assertThat(Instant.parse(again.getString("notes[0].since"))).isEqualTo(since);

        // Act 3: the store comes back (a PostgreSQL of its own, with the demo schema); time passes
        downStore = EmbeddedPostgres.builder().setPort(UnreachableStoreProfile.DOWN_PORT).start();
        load(downStore.getPostgresDatabase(), "demo/schema.sql");
        load(downStore.getPostgresDatabase(), "demo/seed.sql");
        clock.advance(AFTER_RETRY);
        Himoya.drain(worker::processBatch);

        // Assert 3: the waiting request completes in demo-down's own store, and the row turns reachable
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'COMPLETED'",
                waiting)).isEqualTo(1);
        assertThat(count(downStore.getPostgresDatabase(), "SELECT count(*) FROM demo_app.users WHERE id = 1002"))
                .isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isEqualTo(1);
        assertThat(awaitRow("demo-down", r -> r.startsWith("true|"))).endsWith("|null");
        JsonPath back = opsApps("?app=demo-down");
        assertThat(back.getBoolean("apps[0].serving")).isTrue();
        assertThat(back.getBoolean("apps[0].stores[0].reachable")).isTrue();
        assertThat(back.getString("apps[0].stores[0].lastError")).isNull();
        assertThat(Instant.parse(back.getString("apps[0].stores[0].since"))).isAfter(since);

        // and the next watchdog run has nothing to say about stores
        clock.advance(Duration.ofHours(1));
        JsonPath quiet = watchdog();
        assertThat(quiet.getList("notes")).isEmpty();
        assertThat(quiet.getList("digestsSent", String.class)).isEmpty();
    }

    @Test
    void shouldAnswerProblem_whenTheCallIsBad() {
        given().get("/v1/ops/apps").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer demo-test-key").get("/v1/ops/apps").then().statusCode(401);
        given().header("Authorization", OPS).get("/v1/ops/apps?app=nope").then().statusCode(422)
                .contentType("application/problem+json").body(containsString("is not an app this deployment serves"))
                .body(containsString("\"app\"")).body(org.hamcrest.Matchers.not(containsString("nope")));
        given().header("Authorization", OPS).get("/v1/ops/apps?ap=demo").then().statusCode(422)
                .contentType("application/problem+json").body(containsString("is not a query parameter of this route"));
        given().header("Authorization", OPS).get("/v1/ops/apps?app=demo&app=demo-kg").then().statusCode(422)
                .body(containsString("is given more than once"));
        given().header("Authorization", OPS).get("/v1/ops/apps?app=demo").then().statusCode(200)
                .body("apps[0].app", equalTo("demo")).body("apps[0].name", equalTo("Demo Market"));
    }

    private static JsonPath opsApps(String query) {
        return given().header("Authorization", OPS).get("/v1/ops/apps" + query).then().statusCode(200)
                .contentType(ContentType.JSON).extract().jsonPath();
    }

    private static JsonPath watchdog() {
        return given().header("Authorization", OPS).contentType(ContentType.JSON).body("{\"app\":\"*\"}")
                .post("/v1/ops/watchdog").then().statusCode(200).extract().jsonPath();
    }

    private static String intake(String key, String user) {
        return given().header("Authorization", key).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"" + user + "\"},\"verified\":true}").post("/v1/deletion-requests")
                .then().statusCode(202).extract().path("id");
    }

    /** reachable|since|last_error of the app's shop store, once it matches (the writer works in the background). */
    private static String awaitRow(String app, Predicate<String> ready) throws InterruptedException {
        String row = null;
        for (int i = 0; i < 100; i++) {
            row = row(app);
            if (row != null && ready.test(row)) {
                return row;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("app_store_health row of " + app + " is " + row);
    }

    private static String row(String app) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT reachable, since, last_error FROM app_store_health WHERE app_id = ? AND store = 'shop'")) {
            ps.setString(1, app);
            try (ResultSet rs = ps.executeQuery()) {
                // in whole milliseconds, as the API shows instants
                return rs.next() ? rs.getBoolean(1) + "|" + rs.getTimestamp(2).toInstant().truncatedTo(
                        ChronoUnit.MILLIS) + "|" + rs.getString(3) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MimeMessage mailTo(String address) {
        return Arrays.stream(SmtpResource.mail().getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(address);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow(() -> new AssertionError("no mail to " + address));
    }

    /** The decoded text/plain part. */
    private static String text(MimeMessage m) throws Exception {
        return text(m.getContent());
    }

    private static String text(Object content) throws Exception {
        if (content instanceof jakarta.mail.Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                jakarta.mail.BodyPart part = mp.getBodyPart(i);
                if (part.isMimeType("text/plain") || part.isMimeType("multipart/*")) {
                    return text(part.getContent());
                }
            }
        }
        return String.valueOf(content);
    }

    private static void load(DataSource ds, String resource) throws Exception {
        try (InputStream in = AppsApiTest.class.getClassLoader().getResourceAsStream(resource);
                Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static long count(DataSource ds, String query) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
