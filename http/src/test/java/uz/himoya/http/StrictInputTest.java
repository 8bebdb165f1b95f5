package uz.himoya.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * Issue 10: every malformed or ambiguous request is refused with problem+json, names the field and the
 * rule but never the value sent, and changes nothing. Each test is one example of the issue.
 */
@QuarkusTest
// shouldAnswer422_whenStoredTextHoldsNul registers a breach, whose resolution still reads the app's subjects on
// Himoya's connection (issue 11, part 6): old layout until it moves.
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class StrictInputTest {
    static final String OPS = "Bearer ops-test-key";
    static final String APP = "Bearer demo-test-key";
    static final String OLD_LOGS = "SELECT count(*) FROM demo_app.access_logs WHERE accessed_at < now() - interval"
            + " '90 days'";
    static final String PERSONAL = "dilnoza@demo.example";
    /** Send bodies byte for byte, with exactly the Content-Type given (rest-assured adds a charset otherwise). */
    static final RestAssuredConfig RAW = RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
            .appendDefaultContentCharsetToContentTypeIfUndefined(false));

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    static RequestSpecification as(String key) {
        return given().config(RAW).header("Authorization", key);
    }

    static RequestSpecification json(String key, String body) {
        return as(key).contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A problem+json answer with this status that echoes none of the given texts. */
    static void assertProblem(Response r, int status, String... notEchoed) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(r.jsonPath().getString("instance")).isNull();
        for (String s : notEchoed) {
            assertThat(r.asString()).doesNotContain(s);
        }
    }

    static void assertNothingSwept() {
        assertThat(Himoya.count("SELECT count(*) FROM retention_run")).isZero();
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20);
    }

    static void assertNoIncident() {
        assertThat(Himoya.count("SELECT count(*) FROM breach_incident")).isZero();
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
    }

    static String incident(String extra, String affected) {
        Instant now = Instant.now();
        return "{\"app\":\"demo\",\"title\":\"Leaked access logs\",\"discoveredAt\":\"" + now + "\","
                + "\"window\":{\"from\":\"" + now.minus(Duration.ofDays(15)) + "\",\"to\":\"" + now.plusSeconds(60)
                + "\"},\"categories\":[\"network.ip\"],\"content\":{\"uz\":{\"nature\":\"n\",\"consequences\":"
                + "\"c\",\"measures\":\"m\",\"contact\":\"security@demo.example\"}},\"affected\":" + affected + extra
                + "}";
    }

    // --- sweeps and watchdog runs need an explicit, complete body ---

    static List<String> notOneDocument() {
        return List.of("", "null", "{}{}", "{} x", " ".repeat(65_536), "[]", "\"demo\"");
    }

    @Test
    void shouldRefuseAndSweepNothing_whenSweepBodyIsEmptyOrNotOneObject() {
        // Arrange
        List<Response> answers = new ArrayList<>();

        // Act
        for (String body : notOneDocument()) {
            answers.add(json(OPS, body).post("/v1/retention/runs"));
        }
        Response bare = as(OPS).post("/v1/retention/runs");

        // Assert
        answers.forEach(r -> assertProblem(r, 400));
        assertProblem(bare, 415);
        assertNothingSwept();
    }

    @Test
    void shouldListAppAndDryRun_whenSweepBodyLeavesThemOut() {
        // Act
        Response r = json(OPS, "{}").post("/v1/retention/runs");
        Response onlyApp = json(OPS, "{\"app\":\"*\"}").post("/v1/retention/runs");

        // Assert
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactlyInAnyOrder("app", "dryRun");
        assertProblem(onlyApp, 422);
        assertThat(onlyApp.jsonPath().getList("errors.field", String.class)).containsExactly("dryRun");
        assertNothingSwept();
    }

    @Test
    void shouldSweepEveryApp_whenAppIsStarAndDryRunIsExplicit() {
        // Act
        Response r = json(OPS, "{\"app\":\"*\",\"dryRun\":true}").post("/v1/retention/runs");

        // Assert: a dry run of every app, nothing removed
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.jsonPath().getList("runs.dryRun", Boolean.class)).isNotEmpty().containsOnly(true);
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20);
    }

    @Test
    void shouldRefuseAndRunNothing_whenWatchdogBodyIsEmptyOrNotOneObject() {
        // Arrange
        List<Response> answers = new ArrayList<>();

        // Act
        for (String body : notOneDocument()) {
            answers.add(json(OPS, body).post("/v1/ops/watchdog"));
        }
        Response empty = json(OPS, "{}").post("/v1/ops/watchdog");

        // Assert
        answers.forEach(r -> assertProblem(r, 400));
        assertProblem(empty, 422);
        assertThat(empty.jsonPath().getList("errors.field", String.class)).containsExactly("app");
        assertThat(Himoya.count("SELECT count(*) FROM watchdog_digest")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/retention/runs", "/v1/ops/watchdog",
            "/v1/holds/demo/00000000-0000-4000-8000-000000000000/lift" })
    void shouldAnswer415_whenOpsBodyIsTextPlain(String path) {
        // Act
        Response r = as(OPS).contentType("text/plain").body("{\"app\":\"*\",\"dryRun\":false}").post(path);

        // Assert
        assertProblem(r, 415);
        assertNothingSwept();
    }

    // --- breach registration ---

    @ParameterizedTest
    @ValueSource(strings = { "1", "yes", "on", "TRUE", "" })
    void shouldRefuseAndRegisterNothing_whenDryRunIsNotLiteral(String value) {
        // Act
        Response r = json(OPS, incident("", "{\"all\":true}")).post("/v1/breaches?dryRun=" + value);

        // Assert
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("dryRun");
        assertNoIncident();
    }

    @ParameterizedTest
    @ValueSource(strings = { "?dryrun=true", "?dryRun=true&dryRun=false", "?dryRun=true&x-" + PERSONAL + "=1" })
    void shouldRefuseAndRegisterNothing_whenQueryIsMisspeltOrRepeated(String query) {
        // Act
        Response r = json(OPS, incident("", "{\"all\":true}")).post("/v1/breaches" + query);

        // Assert
        assertProblem(r, 422, PERSONAL);
        assertNoIncident();
    }

    @Test
    void shouldListEveryUnknownField_whenBreachBodyHasMisspeltFields() {
        // Act
        Response r = json(OPS, incident(",\"dryrun\":true,\"mroe\":true", "{\"subjects\":[\"1001\"],\"mroe\":true}"))
                .post("/v1/breaches");

        // Assert
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field", String.class))
                .containsExactlyInAnyOrder("dryrun", "mroe", "affected.mroe");
        assertNoIncident();
    }

    @Test
    void shouldRefuseAndRegisterNothing_whenBreachBodyHasDuplicateKeysOrTrailingContent() {
        // Act
        Response twice = json(OPS, incident(",\"app\":\"demo-kg\"", "{\"all\":true}")).post("/v1/breaches");
        Response trailing = json(OPS, incident("", "{\"all\":true}") + " garbage").post("/v1/breaches");
        Response nullField = json(OPS, incident("", "null")).post("/v1/breaches");

        // Assert
        assertProblem(twice, 400);
        assertProblem(trailing, 400, "garbage");
        assertProblem(nullField, 422);
        assertThat(nullField.jsonPath().getList("errors.field", String.class)).containsExactly("affected");
        assertNoIncident();
    }

    @Test
    void shouldNotEcho_whenCategoryOrSelectorIsPersonalData() {
        // Act
        Response category = json(OPS, incident("", "{\"all\":true}").replace("network.ip", "+998901234567"))
                .post("/v1/breaches");
        Response selector = json(OPS, incident("", "{\"selector\":\"" + PERSONAL + "\"}")).post("/v1/breaches");
        Response locale = json(OPS, incident("", "{\"all\":true}").replace("\"content\":{", "\"content\":{\""
                + PERSONAL + "\":{\"nature\":\"n\",\"consequences\":\"c\",\"measures\":\"m\",\"contact\":\"x\"},"))
                .post("/v1/breaches");

        // Assert
        assertProblem(category, 422, "+998901234567", "998901234567");
        assertThat(category.jsonPath().getList("errors.field", String.class)).containsExactly("categories[0]");
        assertProblem(selector, 422, PERSONAL);
        assertThat(selector.jsonPath().getList("errors.field", String.class)).containsExactly("affected.selector");
        assertProblem(locale, 422, PERSONAL);
        assertNoIncident();
    }

    // --- NUL and lone surrogates: 422 naming the field, not 503 ---

    @Test
    void shouldAnswer422_whenStoredTextHoldsNul() {
        // Arrange
        String id = json(OPS, incident("", "{\"subjects\":[\"1001\"],\"more\":true}")).post("/v1/breaches")
                .then().statusCode(201).extract().path("id");

        // Act
        Response hold = json(OPS, "{\"subject\":{\"id\":\"1005\"},\"reason\":\"tax\\u0000audit\"}")
                .post("/v1/holds/demo");
        Response title = json(OPS, incident("", "{\"all\":true}").replace("Leaked access logs", "Leaked\\u0000"))
                .post("/v1/breaches");
        Response page = json(OPS, "[\"1002\",\"10\\u000003\"]").post("/v1/breaches/" + id + "/subjects");
        Response csv = as(OPS).contentType("text/csv").body("id\n1002\n10\u000003\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/breaches/" + id + "/subjects");

        // Assert
        assertProblem(hold, 422);
        assertThat(hold.jsonPath().getList("errors.field", String.class)).containsExactly("reason");
        assertProblem(title, 422);
        assertThat(title.jsonPath().getList("errors.field", String.class)).containsExactly("title");
        assertProblem(page, 422);
        assertThat(page.jsonPath().getList("errors.field", String.class)).containsExactly("body[1]");
        assertProblem(csv, 422);
        assertThat(csv.jsonPath().getList("errors.field", String.class)).containsExactly("subjects[1]");
        assertThat(Himoya.count("SELECT count(*) FROM legal_hold")).isZero();
        assertThat(Himoya.count("SELECT count(*) FROM breach_incident")).isEqualTo(1);
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice")).isEqualTo(1);
    }

    @Test
    void shouldRefuseBoth_whenSubjectIdsDifferOnlyInLoneSurrogates() {
        // Act
        Response high = json(APP, "{\"subject\":{\"id\":\"x-\\ud800\"},\"verified\":true}")
                .post("/v1/deletion-requests");
        Response low = json(APP, "{\"subject\":{\"id\":\"x-\\udbff\"},\"verified\":true}")
                .post("/v1/deletion-requests");

        // Assert
        assertProblem(high, 422);
        assertThat(high.jsonPath().getList("errors.field", String.class)).containsExactly("subject.id");
        assertProblem(low, 422);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    // --- headers and content types ---

    /**
     * Sent as API Gateway delivers it (an event to the Lambda handler): an HTTP client on loopback does not
     * send such a header unchanged.
     */
    @ParameterizedTest
    @ValueSource(strings = { "\\u007f", "\\u0000", "\\u000b" })
    void shouldAnswer400ProblemAndLogNoHeaderValue_whenHeaderHoldsControlCharacter(String control)
            throws Exception {
        // Arrange
        String event;
        try (var in = getClass().getResourceAsStream("/events/http-intake.json")) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("\"Bearer demo-test-key\"", "\"Bearer demo-test-key" + control + "\"");
        }
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = capture(logged);
        Logger.getLogger("").addHandler(capture);
        io.restassured.path.json.JsonPath answer;

        // Act
        try {
            answer = given().contentType("application/json").body(event).post(uz.himoya.testing.MockLambda.url())
                    .then().statusCode(200).extract().jsonPath();
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }

        // Assert
        assertThat(answer.getInt("statusCode")).as(answer.prettify()).isEqualTo(400);
        assertThat(answer.prettify()).contains("application/problem+json").doesNotContain("demo-test-key");
        assertThat(new io.restassured.path.json.JsonPath(answer.getString("body")).getString("type"))
                .isEqualTo("urn:himoya:problem:bad-header");
        assertThat(logged).allSatisfy(l -> {
            assertThat(String.valueOf(l.getMessage())).doesNotContain("demo-test-key");
            assertThat(l.getThrown()).isNull();
        });
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "application/", "json", "application/json; charset", "application/json;;" })
    void shouldAnswer415_whenContentTypeIsEmptyOrMalformed(String contentType) {
        // Act
        Response r = as(APP).header("Content-Type", contentType)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/deletion-requests");

        // Assert
        assertProblem(r, 415);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
            "application/json;charset=\"UTF-16\"" })
    void shouldAnswer415_whenCharsetIsNotUtf8(String contentType) {
        // Act
        Response r = as(APP).header("Content-Type", contentType)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/deletion-requests");

        // Assert
        assertProblem(r, 415);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldAccept_whenCharsetIsUtf8InAnyCase() {
        // Act
        Response r = as(APP).header("Content-Type", "application/json; charset=UTF-8")
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/deletion-requests");

        // Assert
        assertThat(r.statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAnswer415_whenJsonRouteGetsNoContentType() {
        // Act
        Response r = as(APP).body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/deletion-requests");

        // Assert
        assertProblem(r, 415);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldAnswer400_whenIntakeHasTrailingContent() {
        // Act
        Response r = json(APP, "{\"subject\":{\"id\":\"x\"},\"verified\":true} garbage").post("/v1/deletion-requests");

        // Assert
        assertProblem(r, 400, "garbage");
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    // --- errors never echo a value or the raw path ---

    @Test
    void shouldNotEchoTheApp_whenAppIsUnknown() {
        // Act
        List<Response> answers = List.of(
                json(OPS, "{\"app\":\"" + PERSONAL + "\",\"dryRun\":false}").post("/v1/retention/runs"),
                as(OPS).get("/v1/retention/runs?app=" + PERSONAL),
                json(OPS, "{\"app\":\"" + PERSONAL + "\"}").post("/v1/ops/watchdog"),
                as(OPS).get("/v1/ops/deadlines?app=" + PERSONAL),
                json(OPS, incident("", "{\"all\":true}").replace("\"app\":\"demo\"", "\"app\":\"" + PERSONAL + "\""))
                        .post("/v1/breaches"));

        // Assert
        answers.forEach(r -> {
            assertProblem(r, 422, PERSONAL, "dilnoza");
            assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("app");
        });
        assertNothingSwept();
        assertNoIncident();
    }

    @Test
    void shouldNotEchoThePath_whenRouteOrIdIsUnknown() {
        // Act
        Response id = as(APP).get("/v1/deletion-requests/" + PERSONAL);
        Response route = as(APP).get("/v1/deletion-requests/" + PERSONAL + "/nothing");
        Response unauthorized = given().get("/v1/deletion-requests/" + PERSONAL);

        // Assert
        assertProblem(id, 404, PERSONAL);
        assertProblem(route, 404, PERSONAL);
        assertProblem(unauthorized, 401, PERSONAL);
    }

    @Test
    void shouldNotEchoAnUnknownFieldName_whenItIsNotAnIdentifier() {
        // Act
        Response r = json(APP, "{\"subject\":{\"id\":\"1001\"},\"verified\":true,\"" + PERSONAL + "\":1}")
                .post("/v1/deletion-requests");

        // Assert
        assertProblem(r, 422, PERSONAL);
        assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("(unnamed)");
    }

    // --- smaller ones ---

    @Test
    void shouldAcceptTheKey_whenBearerIsInLowerCase() {
        // Act
        Response app = json("bearer demo-test-key", "{\"subject\":{\"id\":\"1001\"},\"verified\":true}")
                .post("/v1/deletion-requests");
        Response ops = as("BEARER ops-test-key").get("/v1/ops/deadlines");

        // Assert
        assertThat(app.statusCode()).isEqualTo(202);
        assertThat(ops.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldShowTheSameMilliseconds_whenTheRequestIsReadAgain() {
        // Act
        Response created = json(APP, "{\"subject\":{\"id\":\"1001\"},\"verified\":true}").post("/v1/deletion-requests");
        Response read = as(APP).get("/v1/deletion-requests/" + created.path("id"));

        // Assert
        for (String field : List.of("receivedAt", "dueAt")) {
            String first = created.path(field);
            assertThat(first).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z");
            assertThat(read.<String>path(field)).isEqualTo(first);
        }
    }

    @Test
    void shouldRefuseUnknownField_whenJsonConfirmHasOne() {
        // Act
        Response r = json(APP, "{\"token\":\"" + "0".repeat(64) + "\",\"confirm\":true}").post("/v1/confirm");
        Response empty = json(APP, "").post("/v1/confirm");

        // Assert
        assertProblem(r, 422);
        assertThat(r.jsonPath().getList("errors.field", String.class)).containsExactly("confirm");
        assertProblem(empty, 400);
    }

    @Test
    void shouldAnswer422_whenLimitOrAllIsNotLiteral() {
        // Act
        Response limit = as(OPS).get("/v1/retention/runs?limit=ten");
        Response all = as(OPS).get("/v1/holds/demo?all=1");

        // Assert
        assertProblem(limit, 422);
        assertProblem(all, 422);
    }

    private static Handler capture(List<LogRecord> into) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (into) {
                    into.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    @AfterEach
    void noMailLeft() {
        SmtpResource.startServer();
    }
}
