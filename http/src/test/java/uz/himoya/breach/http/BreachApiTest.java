package uz.himoya.breach.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.breach.BreachNotifier;
import uz.himoya.queue.QueueMessage;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/**
 * Breach notices end to end: the ops API through the Lambda mock event server, resolution in PostgreSQL,
 * fan-out over SQS (ElasticMQ), and the notifier sending to a real SMTP server (GreenMail).
 */
@QuarkusTest
// Breach resolution still reads the app's subjects on Himoya's connection (issue 11, part 6): old layout until it moves.
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class BreachApiTest {
    static final String OPS = "Bearer ops-test-key";

    @Inject
    BreachNotifier notifier;
    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @AfterEach
    void restartSmtp() {
        SmtpResource.startServer();
    }

    static String incident(String app, String affected, String contentLocales) {
        Instant now = Instant.now();
        String content = Arrays.stream(contentLocales.split(",")).map(l -> "\"" + l + "\":{\"nature\":\"Nature " + l
                + "\",\"consequences\":\"Consequences " + l + "\",\"measures\":\"Measures " + l
                + "\",\"contact\":\"security@market.example\"}").collect(Collectors.joining(","));
        return "{\"app\":\"" + app + "\",\"title\":\"Leaked access logs\",\"discoveredAt\":\"" + now + "\","
                + "\"window\":{\"from\":\"" + now.minus(Duration.ofDays(15)) + "\",\"to\":\"" + now.plusSeconds(60)
                + "\"},\"categories\":[\"network.ip\",\"behaviour.pages\"],\"content\":{" + content + "},"
                + "\"affected\":" + affected + "}";
    }

    static Response post(String path, String body) {
        return given().header("Authorization", OPS).contentType(ContentType.JSON).body(body).post(path);
    }

    private List<Message> drainNotices() {
        return Himoya.drain(SqsResource.breachUrl(), notifier::processBatch);
    }

    @Test
    void shouldNotifyEveryAffectedUserOnceInTheirLanguage_whenSelectorMatches() throws Exception {
        // Arrange + Act: every demo user has access logs in the last 15 days
        JsonPath created = post("/v1/breaches", incident("demo", "{\"selector\":\"access-logs\"}", "uz,ru,en,ky"))
                .then().statusCode(201).header("Location", containsString("/v1/breaches/")).extract().jsonPath();
        String id = created.getString("id");
        assertThat(created.getInt("progress.total")).isEqualTo(6);
        drainNotices();

        // Assert: six mails, one per user, each in the user's language
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(6);
        Map<String, String> subjectByAddress = Arrays.stream(mails).collect(Collectors.toMap(
                m -> address(m), m -> subject(m)));
        assertThat(subjectByAddress.get("anna@demo.example")).containsPattern("[А-Яа-я]"); // ru
        assertThat(subjectByAddress.get("dilnoza@demo.example")).contains("Demo Market").doesNotContainPattern(
                "[А-Яа-я]"); // uz
        assertThat(subjectByAddress.get("aigul@demo.example")).containsPattern("[А-Яа-яүөң]"); // ky
        // no uz-Cyrl text was written: Sherzod (uz-Cyrl) falls back to Uzbek Latin, not to another language
        assertThat(subjectByAddress.get("sherzod@demo.example")).isEqualTo(subjectByAddress.get("dilnoza@demo.example"));
        assertThat(Arrays.stream(mails).map(m -> header(m, "Message-ID")).distinct()).hasSize(6);

        given().header("Authorization", OPS).get("/v1/breaches/" + id).then().statusCode(200)
                .body("status", equalTo("COMPLETED")).body("progress.sent", equalTo(6))
                .body("progress.pending", equalTo(0)).body("authority.required", equalTo(false));
        // Addresses are gone once sent; only keyed hashes remain
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE address IS NOT NULL"
                + " OR sealed_address IS NOT NULL")).isZero();
        assertThat(Himoya.dumpHimoyaTables()).doesNotContain("@demo.example");
    }

    @Test
    void shouldSendNothingTwice_whenSameQueueBatchIsDeliveredTwice() {
        post("/v1/breaches", incident("demo", "{\"all\":true}", "uz")).then().statusCode(201);
        List<Message> batch = Himoya.drain(SqsResource.breachUrl(), notifier::processBatch);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(6);

        // the same messages again, as SQS may deliver them
        List<String> failed = notifier.processBatch(batch.stream()
                .map(m -> new QueueMessage(m.messageId(), m.body())).toList());

        assertThat(failed).isEmpty();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(6);
    }

    @Test
    void shouldSendEveryNoticeOnceAfterOutage_whenSmtpIsDown() {
        SmtpResource.stopServer();
        String id = post("/v1/breaches", incident("demo", "{\"all\":true}", "uz")).then().statusCode(201)
                .extract().path("id");

        // one round: fails to send, gives the notices back and queues a retry
        Himoya.drain(SqsResource.breachUrl(), notifier::processBatch, 1);

        given().header("Authorization", OPS).get("/v1/breaches/" + id).then().body("progress.pending", equalTo(6))
                .body("progress.sent", equalTo(0)).body("status", equalTo("SENDING"));
        SmtpResource.startServer();
        clock.advance(Duration.ofHours(1));
        drainNotices();
        drainNotices();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(6);
        given().header("Authorization", OPS).get("/v1/breaches/" + id).then().body("progress.sent", equalTo(6))
                .body("status", equalTo("COMPLETED"));
    }

    @Test
    void shouldCountAndRenderWithoutSending_whenDryRun() {
        JsonPath dry = post("/v1/breaches?dryRun=true", incident("demo", "{\"selector\":\"orders\"}", "uz,ru"))
                .then().statusCode(200).extract().jsonPath();
        // orders inside the last 15 days: only John's (1005, 10 days old)
        assertThat(dry.getInt("count")).isEqualTo(1);
        assertThat(dry.getString("samples.uz.subject")).contains("Demo Market");
        assertThat(dry.getString("samples.ru.text")).contains("Nature ru");
        assertThat(Himoya.count("SELECT count(*) FROM breach_incident")).isZero();
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldCountTheLanguageSentAndWarnInDryRun_whenAskedLanguageHasNoText() {
        // Aigul (1004) reads Kyrgyz, but the incident has Uzbek and Russian text only: she gets Uzbek (the
        // app's default). Issue 10: the report said "ky: 1" and the dry run said nothing.
        String body = incident("demo", "{\"subjects\":[\"1004\",\"1003\"]}", "uz,ru");
        JsonPath dry = post("/v1/breaches?dryRun=true", body).then().statusCode(200).extract().jsonPath();
        assertThat(dry.getInt("count")).isEqualTo(2);
        assertThat(dry.getList("warnings", String.class)).hasSize(1).first().asString().startsWith("ky: 1 ")
                .contains("sent in uz");

        String id = post("/v1/breaches", body).then().statusCode(201).extract().path("id");
        drainNotices();

        JsonPath report = given().header("Authorization", OPS).get("/v1/breaches/" + id + "/report").then()
                .statusCode(200).extract().jsonPath();
        assertThat(report.getMap("noticesByLanguage")).containsOnly(Map.entry("uz", 1), Map.entry("ru", 1));
        String csv = given().header("Authorization", OPS).get("/v1/breaches/" + id + "/report.csv").then()
                .statusCode(200).extract().asString();
        assertThat(csv).contains("noticesByLanguage.uz,\"1\"").doesNotContain("noticesByLanguage.ky");
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE locale = 'ky' AND sent_locale = 'uz'"))
                .isEqualTo(1);
    }

    @Test
    void shouldSendNoEmptyHeader_whenANoticeGoesOut() throws Exception {
        post("/v1/breaches", incident("demo", "{\"subjects\":[\"1001\"]}", "uz")).then().statusCode(201);
        drainNotices();

        MimeMessage mail = SmtpResource.mail().getReceivedMessages()[0];
        assertThat(mail.getHeader("Cc")).isNull();
        for (var headers = mail.getAllHeaders(); headers.hasMoreElements();) {
            jakarta.mail.Header h = headers.nextElement();
            assertThat(h.getValue()).as("header %s", h.getName()).isNotBlank();
        }
    }

    @Test
    void shouldFailTheNoticeForGood_whenTheRegisteredAddressIsNotAscii() {
        DemoStore.sql("UPDATE demo_app.users SET email = 'dilnoza@dеmo.example' WHERE id = 1001"); // Cyrillic е
        String id = post("/v1/breaches", incident("demo", "{\"subjects\":[\"1001\",\"1005\"]}", "uz"))
                .then().statusCode(201).extract().path("id");
        drainNotices();

        // Not put on the wire as raw bytes: failed like a server's 553 5.6.7; the others still go out
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
        given().header("Authorization", OPS).get("/v1/breaches/" + id).then().body("progress.failed", equalTo(1))
                .body("progress.sent", equalTo(1));
    }

    @Test
    void shouldCollectPagesOfIdsThenSend_whenListIsLarge() {
        String id = post("/v1/breaches", incident("demo", "{\"subjects\":[\"1001\"],\"more\":true}", "uz"))
                .then().statusCode(201).body("status", equalTo("COLLECTING")).extract().path("id");
        given().header("Authorization", OPS).contentType("text/csv; charset=UTF-8").body("id\n1002\n1003\n1003\n")
                .post("/v1/breaches/" + id + "/subjects").then().statusCode(200).body("progress.total", equalTo(3));
        post("/v1/breaches/" + id + "/subjects", "[\"1004\", \"9999\"]").then().statusCode(200)
                .body("progress.total", equalTo(4)); // 9999 is nobody: no notice
        drainNotices();
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty(); // nothing before send
        // Four notices wait with their addresses, sealed: no table shows one in clear (issue 12, part 6)
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE sealed_address IS NOT NULL"
                + " AND address IS NULL")).isEqualTo(4);
        assertThat(Himoya.dumpHimoyaTables()).doesNotContain("@demo.example");
        post("/v1/breaches/" + id + "/send", "{}").then().statusCode(200).body("status", equalTo("SENDING"));
        drainNotices();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(4);
        post("/v1/breaches/" + id + "/subjects", "[\"1005\"]").then().statusCode(409);
        post("/v1/breaches/" + id + "/send", "{}").then().statusCode(409);
    }

    @Test
    void shouldTrackAuthorityDeadline_whenJurisdictionHasOne() {
        // demo-eu is under the GDPR preset: 72 hours after discovery (Art. 33)
        JsonPath v = post("/v1/breaches", incident("demo-eu", "{\"selector\":\"orders\"}", "en")).then()
                .statusCode(201).extract().jsonPath();
        String id = v.getString("id");
        Instant discovered = Instant.parse(v.getString("timeline.discoveredAt"));
        assertThat(v.getBoolean("authority.required")).isTrue();
        assertThat(Instant.parse(v.getString("authority.deadline"))).isEqualTo(discovered.plus(Duration.ofHours(72)));
        assertThat(v.getBoolean("authority.overdue")).isFalse();

        clock.advance(Duration.ofHours(73));
        given().header("Authorization", OPS).get("/v1/breaches/" + id).then().body("authority.overdue", equalTo(true));
        post("/v1/breaches/" + id + "/authority-notified", "{\"reference\":\"DPA-2026-17\"}").then().statusCode(200)
                .body("authority.reference", equalTo("DPA-2026-17"));
        post("/v1/breaches/" + id + "/authority-notified", "{}").then().statusCode(409);
    }

    @Test
    void shouldReportWithoutAddresses_inJsonAndCsv() {
        String id = post("/v1/breaches", incident("demo", "{\"all\":true}", "uz,ru")).then().statusCode(201)
                .extract().path("id");
        drainNotices();
        String json = given().header("Authorization", OPS).get("/v1/breaches/" + id + "/report").then()
                .statusCode(200).body("notices.sent", equalTo(6)).body("categories", hasItem("network.ip"))
                .extract().asString();
        String csv = given().header("Authorization", OPS).get("/v1/breaches/" + id + "/report.csv").then()
                .statusCode(200).contentType(containsString("text/csv")).extract().asString();
        assertThat(csv).contains("notices.sent,\"6\"").contains("content.uz.measures");
        assertThat(json + csv).doesNotContain("@demo.example");
    }

    @Test
    void shouldRefuseBadInput_withProblemDetails() {
        post("/v1/breaches", incident("demo", "{\"selector\":\"access-logs\"}", "ru")).then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem("content.uz"));
        post("/v1/breaches", incident("demo", "{\"selector\":\"access-logs\"}", "uz,de")).then().statusCode(422)
                .body("errors.field", hasItem("content.de"));
        post("/v1/breaches", incident("demo", "{\"selector\":\"payments\"}", "uz")).then().statusCode(422)
                .body("errors.field", hasItem("affected.selector"));
        post("/v1/breaches", incident("demo", "{\"selector\":\"x\",\"all\":true}", "uz")).then().statusCode(422)
                .body("errors.field", hasItem("affected"));
        post("/v1/breaches", incident("demo", "{\"all\":true}", "uz").replace("network.ip", "dna"))
                .then().statusCode(422).body("errors.field", hasItem("categories[0]"));
        Instant t = Instant.now();
        post("/v1/breaches", incident("demo", "{\"all\":true}", "uz").replaceFirst("\"from\":\"[^\"]+\"",
                "\"from\":\"" + t + "\"").replaceFirst("\"to\":\"[^\"]+\"", "\"to\":\"" + t + "\""))
                .then().statusCode(422).body("errors.field", hasItem("window"));
        String many = java.util.stream.IntStream.range(0, 1001).mapToObj(i -> "\"" + i + "\"")
                .collect(Collectors.joining(","));
        post("/v1/breaches", incident("demo", "{\"subjects\":[" + many + "]}", "uz")).then().statusCode(422)
                .body("errors.field", hasItem("affected.subjects"));
        post("/v1/breaches", "{\"app\":").then().statusCode(400);
        given().contentType(ContentType.JSON).body(incident("demo", "{\"all\":true}", "uz")).post("/v1/breaches")
                .then().statusCode(401);
        given().header("Authorization", "Bearer demo-test-key").contentType(ContentType.JSON)
                .body(incident("demo", "{\"all\":true}", "uz")).post("/v1/breaches").then().statusCode(401);
        given().header("Authorization", OPS).get("/v1/breaches/" + java.util.UUID.randomUUID()).then()
                .statusCode(404);
        assertThat(Himoya.count("SELECT count(*) FROM breach_incident")).isZero();
    }

    @Test
    void shouldRequeueLostNoticesAndWarnOfAuthorityDeadline_whenWatchdogRuns() {
        // Arrange: an incident whose queue messages are lost (purged), under the GDPR preset
        String id = post("/v1/breaches", incident("demo-eu", "{\"selector\":\"orders\"}", "en")).then()
                .statusCode(201).extract().path("id");
        SqsResource.client().purgeQueue(b -> b.queueUrl(SqsResource.breachUrl()));
        clock.advance(Duration.ofHours(2));

        // Act: the hourly watchdog, over the ops route
        given().header("Authorization", OPS).contentType(ContentType.JSON).body("{\"app\":\"*\"}").post("/v1/ops/watchdog").then().statusCode(200)
                .body("redriven.breach-notices", equalTo(1));
        drainNotices();

        // Assert: the lost notice went out once, and the 72-hour authority deadline is reported to ops
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
        given().header("Authorization", OPS).get("/v1/ops/deadlines").then().statusCode(200)
                .body(containsString("breach-authority")).body(containsString(id));
    }

    @Test
    void shouldTellOpsOfAnIncidentThatStoppedSending_whenNothingWentOutForTheStallAlarm() {
        // Arrange: an incident whose queue messages are lost, so that no notice goes out
        String id = post("/v1/breaches", incident("demo", "{\"all\":true}", "uz")).then().statusCode(201).extract()
                .path("id");
        SqsResource.client().purgeQueue(b -> b.queueUrl(SqsResource.breachUrl()));
        clock.advance(Duration.ofMinutes(59));
        given().header("Authorization", OPS).get("/v1/ops/deadlines").then().statusCode(200)
                .body(not(containsString("breach-stalled")));

        // Act: past himoya.breach.stall-alarm (1 hour) without progress
        clock.advance(Duration.ofMinutes(2));

        // Assert: ops see it, as they would in the watchdog's digest
        given().header("Authorization", OPS).get("/v1/ops/deadlines").then().statusCode(200)
                .body(containsString("breach-stalled")).body(containsString(id));
    }

    private static String address(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name)[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
