package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static uz.himoya.deletion.http.ConfirmLinks.status;
import static uz.himoya.deletion.http.ConfirmLinks.token;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.SystemTargetsResource;
import uz.himoya.testing.TestClock;

/**
 * The whole deletion flow through the real parts: HTTP through the Lambda mock event server, SQS
 * (ElasticMQ), SMTP (GreenMail), PostgreSQL (embedded), and the worker the queue function runs.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(SystemTargetsResource.class)
class DeletionFlowTest {
    static final String KEY = "Bearer demo-test-key";

    @Inject
    DeletionWorker worker;
    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @AfterEach
    void cleanUp() {
        DemoStore.sql("DROP TRIGGER IF EXISTS fail_erasure ON demo_app.marketing_consents");
        SmtpResource.startServer();
        clock.reset();
    }

    @Test
    void shouldEraseDemoSubjectAndLeaveNoPlaintext_whenWholeFlowRuns() throws Exception {
        // Arrange: Dilnoza (user 1001) asks by e-mail, in Uzbek
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"email\":\"Dilnoza@demo.example\"},\"locale\":\"uz\"}")
                .post("/v1/deletion-requests").then().statusCode(202).extract().path("id");

        // Act 1: the worker sends the verification mail to the registered address
        Himoya.drain(worker::processBatch);
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("dilnoza@demo.example");
        assertThat(mails[0].getSubject()).contains("Demo Market");
        String body = GreenMailUtil.getBody(mails[0]);
        String token = token(mails[0]);

        // Act 2: the link's GET only shows the page; a prefetch confirms nothing
        given().get("/v1/confirm?token=" + token).then().statusCode(200).contentType(containsString("text/html"))
                .header("Cache-Control", "no-store").body(containsString("name=\"token\""));
        assertThat(status(id)).isEqualTo("AWAITING_VERIFICATION");

        // Act 3: the POST confirms
        given().contentType(ContentType.URLENC).formParam("token", token).post("/v1/confirm").then()
                .statusCode(200).contentType(containsString("text/html"));
        assertThat(status(id)).isEqualTo("QUEUED");
        given().contentType(ContentType.URLENC).formParam("token", token).post("/v1/confirm").then()
                .statusCode(200); // single use: the second POST only says it was confirmed already
        Himoya.drain(worker::processBatch);

        // Assert: completed with a receipt, the confirmation mail sent once
        JsonPath done = given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then()
                .statusCode(200).extract().jsonPath();
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getBoolean("receipt.subjectFound")).isTrue();
        assertThat(done.getList("receipt.tables.table")).contains("users", "orders", "access_logs");
        assertThat(done.getInt("receipt.tables.find { it.table == 'access_logs' }.rows")).isEqualTo(30);
        assertThat(done.getString("receipt.tables.find { it.table == 'orders' }.action")).isEqualTo("ANONYMIZED");
        assertThat(done.getString("receipt.tables.find { it.table == 'orders' }.keptBecause")).contains("Tax Code");
        mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(2);
        assertThat(mails[1].getHeader("Message-ID")[0]).isEqualTo("<deletion-" + id + "-confirmation@himoya>");
        assertThat(mails[1].getAllRecipients()[0].toString()).isEqualTo("dilnoza@demo.example");

        // The subject's rows are gone or anonymized; other users are untouched
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs WHERE user_id = 1001")).isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.orders WHERE id IN (5001, 5002) AND user_id IS NULL"
                + " AND recipient_name = '[erased]' AND delivery_address = '[erased]'")).isEqualTo(2);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users")).isEqualTo(5);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs")).isEqualTo(170);

        // No plaintext e-mail, name or phone of hers is left in Himoya's tables
        String himoya = Himoya.dumpHimoyaTables().toLowerCase();
        assertThat(himoya).doesNotContain("dilnoza").doesNotContain("karimova").doesNotContain("998901112233")
                .doesNotContain(token);
        assertThat(body).doesNotContain("Karimova");

        // Redelivery of the finished job changes nothing and sends nothing
        worker.process(java.util.UUID.fromString(id));
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(2);
    }

    @Test
    void shouldWorkThroughRawApiGatewayEvent_whenPostedToMockEventServer() throws Exception {
        String event;
        try (InputStream in = getClass().getResourceAsStream("/events/http-intake.json")) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonPath response = given().contentType(ContentType.JSON).body(event)
                .post(uz.himoya.testing.MockLambda.url()).then().statusCode(200).extract().jsonPath();
        assertThat(response.getInt("statusCode")).isEqualTo(202);
        JsonPath body = new JsonPath(response.getString("body"));
        assertThat(body.getString("status")).isEqualTo("QUEUED"); // app-attested: no e-mail round trip
        Himoya.drain(worker::processBatch);
        assertThat(status(body.getString("id"))).isEqualTo("COMPLETED");
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo("aigul@demo.example");
        assertThat(mails[0].getContentLanguage() == null ? GreenMailUtil.getBody(mails[0]) : "").isNotNull();
    }

    @Test
    void shouldSendOnceAfterRecovery_whenSmtpIsDown() throws Exception {
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1005\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");
        SmtpResource.stopServer();

        List<?> received = Himoya.drain(worker::processBatch);
        assertThat(received).hasSize(1);
        // Erased and recorded; only the confirmation is still owed, and the message stays on the queue
        assertThat(status(id)).isEqualTo("COMPLETED");
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE mail_pending = 'CONFIRMATION'"))
                .isEqualTo(1);

        SmtpResource.startServer();
        Himoya.drain(worker::processBatch);
        Himoya.drain(worker::processBatch);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE notify_address IS NOT NULL")).isZero();
    }

    @Test
    void shouldRollBackEveryTable_whenDatabaseFailsMidErasure() {
        // marketing_consents is the last table erased: a failure there must undo the tables before it
        DemoStore.sql("""
                CREATE OR REPLACE FUNCTION demo_app.fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006'; END $$;
                CREATE TRIGGER fail_erasure BEFORE DELETE ON demo_app.marketing_consents
                  FOR EACH ROW EXECUTE FUNCTION demo_app.fail();""");
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");

        Himoya.drain(worker::processBatch);

        assertThat(status(id)).isEqualTo("IN_PROGRESS");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs WHERE user_id = 1001")).isEqualTo(30);
        assertThat(Himoya.count("SELECT attempts FROM deletion_request")).isZero(); // an outage is not counted
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();

        DemoStore.sql("DROP TRIGGER fail_erasure ON demo_app.marketing_consents");
        Himoya.drain(worker::processBatch);
        assertThat(status(id)).isEqualTo("COMPLETED");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldFailWithErrorCode_whenErasureKeepsFailing() {
        DemoStore.sql("""
                CREATE OR REPLACE FUNCTION demo_app.fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'bad map' USING ERRCODE = '23503'; END $$;
                CREATE TRIGGER fail_erasure BEFORE DELETE ON demo_app.marketing_consents
                  FOR EACH ROW EXECUTE FUNCTION demo_app.fail();""");
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");
        for (int i = 0; i < 6; i++) {
            Himoya.drain(worker::processBatch);
        }
        given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then().statusCode(200)
                .body("status", equalTo("FAILED")).body("error", equalTo("sql-23503"));
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isEqualTo(1);
    }

    @Test
    void shouldExpireAndPurge_whenLinkIsNotUsedInTime() throws Exception {
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1003\"}}").post("/v1/deletion-requests").then().statusCode(202)
                .extract().path("id");
        Himoya.drain(worker::processBatch);
        String token = token(SmtpResource.mail().getReceivedMessages()[0]);
        assertThat(SmtpResource.mail().getReceivedMessages()[0].getSubject()).containsPattern("[А-Яа-я]"); // ru

        clock.advance(Duration.ofDays(8));

        given().contentType(ContentType.JSON).body("{\"token\":\"" + token + "\"}").post("/v1/confirm").then()
                .statusCode(410).contentType("application/problem+json");
        assertThat(status(id)).isEqualTo("EXPIRED");
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE subject_ref IS NOT NULL")).isZero();
        // Issue 10: the link stays 410 (it turned 404 from its second use on)
        given().get("/v1/confirm?token=" + token).then().statusCode(410);
        given().contentType(ContentType.JSON).body("{\"token\":\"nope\"}").post("/v1/confirm").then()
                .statusCode(404);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1003")).isEqualTo(1);
    }

    @Test
    void shouldReportOnlyTheBadMessage_whenBatchHasPoison() {
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1002\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");
        List<String> failed = worker.processBatch(List.of(
                new uz.himoya.queue.QueueMessage("m-poison", "not json"),
                new uz.himoya.queue.QueueMessage("m-good", "{\"requestId\":\"" + id + "\"}")));
        assertThat(failed).containsExactly("m-poison");
        assertThat(status(id)).isEqualTo("COMPLETED");
    }
}
