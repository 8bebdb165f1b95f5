package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.SystemTargets.accept;
import static uz.himoya.testing.SystemTargets.ok;
import static uz.himoya.testing.SystemTargets.received;
import static uz.himoya.testing.SystemTargets.script;
import static uz.himoya.testing.SystemTargets.secret;
import static uz.himoya.testing.SystemTargets.slow;
import static uz.himoya.testing.SystemTargets.status;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.SystemTargets;
import uz.himoya.testing.SystemTargetsResource;
import uz.himoya.testing.TestClock;
import uz.himoya.webhook.WebhookSignature;

/**
 * Issue 11, part 7: a deletion that reaches, besides the app's store, four systems by signed webhooks
 * (privacy-maps/demo-hooks.yaml), each a real local HTTP server: alpha answers 200, beta 500 and then 200,
 * gamma 202 and later a signed callback, delta too slowly once. Through the real parts: HTTP through the
 * Lambda mock event server, the worker, SQS (ElasticMQ, for the delayed retries), PostgreSQL, SMTP.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(SystemTargetsResource.class)
class SystemsFlowTest {
    static final String KEY = "Bearer hooks-test-key";
    static final String OPS = "Bearer ops-test-key";
    static final String CANARY = "zqxcanary7731";

    @Inject
    DeletionWorker worker;
    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @Test
    void shouldCompleteOnlyWhenEverySystemIsDone_andListEachOnTheReceipt() throws Exception {
        // Arrange: beta fails once, gamma takes the job for later, delta is too slow once
        script("hooks-beta", status(500));
        script("hooks-gamma", accept());
        script("hooks-delta", slow(Duration.ofSeconds(3)));
        String id = file("1002");

        // Act 1: one pass of the worker
        Himoya.drain(worker::processBatch);

        // Assert 1: the store is erased, the request waits for beta, gamma and delta
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isZero();
        assertThat(view(id).getString("status")).isEqualTo("IN_PROGRESS");
        assertThat(view(id).getString("receipt")).isNull();
        assertThat(steps(id)).containsExactly("shop:DONE:", "system:alpha:DONE:", "system:beta:PENDING:webhook-500",
                "system:delta:PENDING:webhook-timeout", "system:gamma:WAITING:");
        // each system got one signed job; only gamma, which needs it, got the e-mail address
        for (String s : List.of("hooks-alpha", "hooks-beta", "hooks-gamma", "hooks-delta")) {
            assertThat(received(s)).singleElement().satisfies(r -> {
                WebhookSignature.verify(secret(s), r.signature(), r.body(), clock.instant());
                assertThat(r.json().path("requestId").asText()).isEqualTo(id);
                assertThat(r.json().path("kind").asText()).isEqualTo("erasure");
                assertThat(r.json().path("app").asText()).isEqualTo("demo-hooks");
                assertThat(r.json().path("subject").path("id").asText()).isEqualTo("1002");
                assertThat(r.json().path("callback").asText()).endsWith("/v1/callbacks/" + id + "/"
                        + s.substring("hooks-".length()));
            });
        }
        assertThat(received("hooks-gamma").get(0).json().path("subject").path("email").asText())
                .isEqualTo("sherzod@demo.example");
        assertThat(received("hooks-alpha").get(0).json().path("subject").has("email")).isFalse();
        assertThat(received("hooks-search")).isEmpty(); // takes access requests only
        // the retry waits as one delayed message on the erasure queue
        assertThat(SqsResource.client().getQueueAttributes(b -> b.queueUrl(SqsResource.erasureUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).isEqualTo("1");

        // Act 2: the job is delivered again before the retry is due, then once it is
        worker.process(UUID.fromString(id));
        assertThat(received("hooks-beta")).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        worker.process(UUID.fromString(id));

        // Assert 2: beta and delta done on their second attempt; nobody DONE was asked again; gamma still owes
        assertThat(steps(id)).containsExactly("shop:DONE:", "system:alpha:DONE:", "system:beta:DONE:",
                "system:delta:DONE:", "system:gamma:WAITING:");
        assertThat(received("hooks-alpha")).hasSize(1);
        assertThat(received("hooks-beta")).hasSize(2);
        assertThat(received("hooks-delta")).hasSize(2);
        assertThat(received("hooks-gamma")).hasSize(1);
        assertThat(view(id).getString("status")).isEqualTo("IN_PROGRESS");

        // Act 3: gamma calls back: signed wrongly, then stale, then right, then the same again, then otherwise
        byte[] done = callbackBody(id, 4, "contact.email", "behaviour.pages");
        Response wrong = callback(id, "gamma", WebhookSignature.sign(secret("hooks-alpha"), done, clock.instant()),
                done);
        Response stale = callback(id, "gamma", WebhookSignature.sign(secret("hooks-gamma"), done,
                clock.instant().minus(Duration.ofMinutes(10))), done);
        assertThat(steps(id)).contains("system:gamma:WAITING:");
        Response right = callback(id, "gamma", sign("hooks-gamma", done), done);
        Response again = callback(id, "gamma", sign("hooks-gamma", done), done);
        byte[] other = callbackBody(id, 5, "contact.email");
        Response conflicting = callback(id, "gamma", sign("hooks-gamma", other), other);

        // Assert 3
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.jsonPath().getString("type")).isEqualTo("urn:himoya:problem:callback-signature");
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.jsonPath().getString("type")).isEqualTo("urn:himoya:problem:callback-stale");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.jsonPath().getString("status")).isEqualTo("DONE");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(conflicting.statusCode()).isEqualTo(409);
        assertThat(Himoya.count("SELECT count(*) FROM audit_event WHERE event = 'system-done'")).isEqualTo(4);

        // Act 4: the callback enqueued the job; the worker completes the request
        Himoya.drain(worker::processBatch);

        // Assert 4: completed, with every store table and every system on the receipt, in map order
        JsonPath v = view(id);
        assertThat(v.getString("status")).isEqualTo("COMPLETED");
        assertThat(v.getList("receipt.tables.table")).contains("users", "orders", "access_logs");
        assertThat(v.getList("receipt.systems.system")).containsExactly("alpha", "beta", "gamma", "delta");
        assertThat(v.getList("receipt.stores.store")).hasSize(1);
        assertThat(v.getInt("receipt.systems.find { it.system == 'gamma' }.rows")).isEqualTo(4);
        assertThat(v.getList("receipt.systems.find { it.system == 'gamma' }.categoriesErased"))
                .containsExactly("contact.email", "behaviour.pages");
        assertThat(v.getInt("receipt.systems.find { it.system == 'alpha' }.rows")).isEqualTo(2);
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(GreenMailUtil.getBody(mails[0]).replace("=\r\n", "")).contains("gamma: 4");

        // Redelivery of the finished job posts to nobody and sends nothing
        worker.process(UUID.fromString(id));
        assertThat(received("hooks-alpha")).hasSize(1);
        assertThat(received("hooks-gamma")).hasSize(1);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldFailVisiblyKeepingTheCode_whenASystemRefusesWith4xx() {
        // Arrange
        script("hooks-beta", status(404));
        script("hooks-gamma", accept());
        String id = file("1003");

        // Act
        Himoya.drain(worker::processBatch);
        byte[] done = callbackBody(id, 1, "contact.email");
        Response late = callback(id, "gamma", sign("hooks-gamma", done), done);

        // Assert: the request needs a person, and says which system and why; the store was erased anyway
        JsonPath v = view(id);
        assertThat(v.getString("status")).isEqualTo("FAILED");
        assertThat(v.getString("error")).isEqualTo("system:beta:webhook-404");
        assertThat(steps(id)).contains("system:beta:FAILED:webhook-404", "system:alpha:DONE:");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1003")).isZero();
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE subject_key IS NOT NULL")).isEqualTo(1);
        // the other systems' answers are still recorded, and nothing is mailed as if it were done
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(steps(id)).contains("system:gamma:DONE:");
        assertThat(view(id).getString("status")).isEqualTo("FAILED");
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
        // the watchdog's view lists it as failed
        clock.advance(Duration.ofDays(12));
        assertThat(given().header("Authorization", OPS).get("/v1/ops/deadlines?app=demo-hooks").then()
                .statusCode(200).extract().jsonPath().getList("apps[0].items.findAll { it.kind == 'deletion' }.note"))
                .containsExactly("failed");
    }

    @Test
    void shouldFailTheRequest_whenTheSystemCallsBackThatItFailed() {
        // Arrange
        script("hooks-gamma", accept());
        String id = file("1004");
        Himoya.drain(worker::processBatch);
        byte[] failed = ("{\"requestId\":\"" + id + "\",\"status\":\"failed\",\"code\":\"subject-locked\"}")
                .getBytes(UTF_8);

        // Act
        Response first = callback(id, "gamma", sign("hooks-gamma", failed), failed);
        Response again = callback(id, "gamma", sign("hooks-gamma", failed), failed);

        // Assert
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.jsonPath().getString("status")).isEqualTo("FAILED");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(view(id).getString("status")).isEqualTo("FAILED");
        assertThat(view(id).getString("error")).isEqualTo("system:gamma:subject-locked");
    }

    @Test
    void shouldListSystemsStillOwingTheirPartInTheDigest_beforeTheDueDate_andTakeALateCallback() throws Exception {
        // Arrange: gamma takes the job, beta stays down
        script("hooks-gamma", accept());
        script("hooks-beta", status(503), status(503), status(503));
        String id = file("1005");
        Himoya.drain(worker::processBatch);

        // Act: twelve days later (due in two), the watchdog runs
        clock.advance(Duration.ofDays(12));
        given().header("Authorization", OPS).contentType(ContentType.JSON).body("{\"app\":\"demo-hooks\"}")
                .post("/v1/ops/watchdog").then().statusCode(200);

        // Assert: the digest to the app's contact names both systems in their own section
        MimeMessage digest = SmtpResource.mail().getReceivedMessages()[0];
        assertThat(digest.getAllRecipients()[0].toString()).isEqualTo("privacy@hooks.example");
        String text = GreenMailUtil.getBody(digest).replace("=\r\n", "");
        assertThat(text).contains("Ilovaning boshqa tizimlarida kutilmoqda").contains("gamma tizimi")
                .contains("beta tizimi").contains(id);
        JsonPath deadlines = given().header("Authorization", OPS).get("/v1/ops/deadlines?app=demo-hooks").then()
                .statusCode(200).extract().jsonPath();
        assertThat(deadlines.getList("apps[0].items.findAll { it.kind == 'deletion-system' }.note"))
                .containsExactly("beta", "gamma");
        assertThat(deadlines.getList("apps[0].items.findAll { it.kind == 'deletion-system' }.status"))
                .containsExactly("RETRYING", "WAITING");

        // Act 2: gamma calls back twelve days late (signed now), beta comes back
        byte[] done = callbackBody(id, 1, "marketing.consent");
        assertThat(callback(id, "gamma", sign("hooks-gamma", done), done).statusCode()).isEqualTo(200);
        SystemTargets.reset(); // beta answers 200 again
        worker.process(UUID.fromString(id));
        Himoya.drain(worker::processBatch);

        // Assert 2
        assertThat(view(id).getString("status")).isEqualTo("COMPLETED");
        assertThat(view(id).getList("receipt.systems.system")).containsExactly("alpha", "beta", "gamma", "delta");
    }

    @Test
    void shouldRefuseAndChangeNothing_whenTheCallbackIsUnknownUnsignedOrMalformed() {
        // Arrange
        script("hooks-gamma", accept());
        String id = file("1006");
        Himoya.drain(worker::processBatch);
        byte[] done = callbackBody(id, 1, "contact.email");
        String other = UUID.randomUUID().toString();
        byte[] forOther = callbackBody(other, 1, "contact.email");
        byte[] canary = ("{\"requestId\":\"" + id + "\",\"status\":\"" + CANARY + "\"}").getBytes(UTF_8);
        String demoRequest = given().header("Authorization", "Bearer demo-test-key").contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");
        byte[] forDemo = callbackBody(demoRequest, 1, "contact.email");
        String before = state();

        // Act + Assert
        assertThat(callback(other, "gamma", sign("hooks-gamma", forOther), forOther).statusCode()).isEqualTo(404);
        assertThat(callback(id, "omega", sign("hooks-gamma", done), done).statusCode()).isEqualTo(404);
        assertThat(callback(id, "search", sign("hooks-search", done), done).statusCode()).isEqualTo(404);
        assertThat(callback(demoRequest, "gamma", sign("hooks-gamma", forDemo), forDemo).statusCode())
                .isEqualTo(404);
        assertThat(callback(id, "gamma", null, done).statusCode()).isEqualTo(401);
        assertThat(callback(id, "gamma", "t=1,v1=" + CANARY, done).statusCode()).isEqualTo(401);
        Response malformed = callback(id, "gamma", sign("hooks-gamma", canary), canary);
        assertThat(malformed.statusCode()).isEqualTo(422);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.asString()).doesNotContain(CANARY);
        assertThat(given().header(WebhookSignature.HEADER, sign("hooks-gamma", done)).body(done)
                .post("/v1/callbacks/" + id + "/gamma").statusCode()).isEqualTo(415);
        assertThat(given().contentType(ContentType.JSON).header(WebhookSignature.HEADER, sign("hooks-gamma", done))
                .body(done).post("/v1/callbacks/" + id + "/gamma?x=1").statusCode()).isEqualTo(422);
        // Neither an app key nor the ops key is asked for, and neither would do instead of the signature
        assertThat(given().header("Authorization", OPS).contentType(ContentType.JSON).body(done)
                .post("/v1/callbacks/" + id + "/gamma").statusCode()).isEqualTo(401);
        assertThat(state()).isEqualTo(before);
        assertThat(steps(id)).contains("system:gamma:WAITING:");
    }

    /** Every step and audit event and the requests' states: what a refused callback must leave alone. */
    static String state() {
        return Himoya.count("SELECT count(*) FROM audit_event") + "|" + Himoya.count("SELECT count(*) FROM"
                + " deletion_request WHERE status = 'IN_PROGRESS'") + "|" + Himoya.count("SELECT coalesce(sum(hashtext("
                + "part || status || coalesce(last_error, '') || coalesce(outcome, ''))), 0) FROM deletion_step");
    }

    static String file(String userId) {
        return given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"" + userId + "\"},\"verified\":true}").post("/v1/deletion-requests")
                .then().statusCode(202).extract().path("id");
    }

    static JsonPath view(String id) {
        return given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    /** Each step as part:status:last_error, in part order. */
    static List<String> steps(String id) {
        try (var c = uz.himoya.testing.EmbeddedDatabase.dataSource().getConnection();
                var ps = c.prepareStatement("SELECT part || ':' || status || ':' || coalesce(last_error, '')"
                        + " FROM deletion_step WHERE request_id = ?::uuid ORDER BY part")) {
            ps.setString(1, id);
            List<String> out = new java.util.ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] callbackBody(String id, long rows, String... categories) {
        return ("{\"requestId\":\"" + id + "\",\"status\":\"done\",\"rows\":" + rows + ",\"categories\":["
                + String.join(",", java.util.Arrays.stream(categories).map(c -> "\"" + c + "\"").toList()) + "]}")
                .getBytes(UTF_8);
    }

    private String sign(String system, byte[] body) {
        Instant now = clock.instant();
        return WebhookSignature.sign(secret(system), body, now);
    }

    static Response callback(String id, String system, String signature, byte[] body) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (signature != null) {
            request.header(WebhookSignature.HEADER, signature);
        }
        return request.post("/v1/callbacks/" + id + "/" + system);
    }
}
