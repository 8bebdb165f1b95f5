package uz.himoya.watchdog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.Himoya.count;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.retention.HoldCommand;
import uz.himoya.retention.LegalHolds;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.MariaDbResource;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/** The deadlineWatchdog function through the Lambda mock event server, fed a real EventBridge scheduled event. */
@QuarkusTest
@TestProfile(DeadlineWatchdogProfile.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(MariaDbResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class DeadlineWatchdogFunctionTest {
    static final String LAMBDA = "http://localhost:8081/_lambda_";

    @Inject
    DeletionService intake;
    @Inject
    DeletionWorker worker;
    @Inject
    LegalHolds holds;
    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
    }

    @Test
    void shouldMailOneLocalizedDigestPerApp_whenRequestsAreNearOrPastTheirDueDate() throws Exception {
        // Arrange: two requests of demo (due in 14 days, Deepen 6.2) and one of demo-kg (7 days, KG preset),
        // none of them erased (the worker never ran)
        String a = file("demo", "1001");
        String b = file("demo", "1002");
        String kg = file("demo-kg", "1004");
        clock.advance(Duration.ofDays(12));

        // Act
        JsonPath out = invoke(scheduledEvent()).then().statusCode(200).extract().jsonPath();

        // Assert: one digest per app, to its contact, in its default language, with references only
        assertThat(out.getList("digestsSent", String.class)).containsExactlyInAnyOrder("demo", "demo-kg");
        assertThat(out.getLong("deadlines.apps.find { it.appId == 'demo' }.dueSoon")).isEqualTo(2);
        assertThat(out.getLong("deadlines.apps.find { it.appId == 'demo-kg' }.overdue")).isEqualTo(1);
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(2);
        MimeMessage demo = to(mails, "privacy@demo.example");
        MimeMessage kabinet = to(mails, "privacy@kabinet.example");
        assertThat(demo.getSubject()).contains("Demo Market").contains("oʻchirish muddatlari");
        assertThat(kabinet.getSubject()).contains("Demo Kabinet").contains("өчүрүү мөөнөттөрүнө");
        String demoBody = body(demo);
        assertThat(demoBody).contains(a).contains(b).doesNotContain(kg).contains("Muddati yaqin");
        assertThat(body(kabinet)).contains(kg).contains("Мөөнөтү өткөн");
        assertThat(demoBody + body(kabinet)).doesNotContain("dilnoza").doesNotContain("Karimova")
                .doesNotContain("aigul");

        // Act 2: an hour later nothing changed: no second digest
        clock.advance(Duration.ofHours(1));
        invoke(scheduledEvent()).then().statusCode(200);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(2);

        // Act 3: within the hour a request of demo fails: that is news, so demo (only) hears again
        Himoya.sql("UPDATE deletion_request SET status = 'FAILED', last_error = 'sql-23503' WHERE id = '" + b + "'");
        JsonPath changed = invoke(scheduledEvent()).then().statusCode(200).extract().jsonPath();
        assertThat(changed.getList("digestsSent", String.class)).containsExactly("demo");
        mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(3);
        List<MimeMessage> toDemo = Arrays.stream(mails).filter(m -> recipient(m).equals("privacy@demo.example"))
                .toList();
        assertThat(toDemo).hasSize(2);
        assertThat(toDemo.stream().map(DeadlineWatchdogFunctionTest::body))
                .anySatisfy(t -> assertThat(t).contains(b).contains("xatolik bilan toʻxtagan"));

        // Act 4: days later the requests are overdue, and both apps hear again (daily at most when unchanged)
        clock.advance(Duration.ofDays(3));
        JsonPath later = invoke(scheduledEvent()).then().statusCode(200).extract().jsonPath();
        assertThat(later.getList("digestsSent", String.class)).containsExactlyInAnyOrder("demo", "demo-kg");
        assertThat(later.getLong("deadlines.apps.find { it.appId == 'demo' }.overdue")).isEqualTo(2);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(5);
    }

    @Test
    void shouldRedriveStuckWorkButNotHeldRequests_whenQueueMessagesWereLost() {
        // Arrange: John (1005) is held; his request waits, and says so in its receipt
        holds.place("demo", new HoldCommand(Optional.of("1005"), Optional.empty(), "Court order 12/2026"));
        String held = file("demo", "1005");
        Himoya.drain(worker::processBatch);
        assertThat(status(held)).isEqualTo("QUEUED");
        assertThat(count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND receipt->'tables'->0->>'action'"
                + " = 'HELD' AND receipt->'tables'->0->>'keptBecause' LIKE '%Court order 12/2026'", held)).isEqualTo(1);
        // four requests whose queue messages are lost, one of them claimed by a worker that crashed, one never
        // enqueued because the queue was down at intake
        String queued = file("demo", "1001");
        String crashed = file("demo", "1002");
        String neverEnqueued = file("demo", "1004");
        String unverified = intake.submit("demo", new IntakeCommand(Optional.of("1003"), Optional.empty(),
                Optional.empty(), false, Optional.empty(), Secrets.sha256("1003"))).view().id().toString();
        Himoya.drain(batch -> List.of());
        Himoya.sql("UPDATE deletion_request SET status = 'IN_PROGRESS', lease_until = now() - interval '1 minute',"
                + " started_at = now() WHERE id = '" + crashed + "'");
        Himoya.sql("UPDATE deletion_request SET enqueued_at = NULL WHERE id = '" + neverEnqueued + "'");
        clock.advance(Duration.ofMinutes(31));

        // Act
        JsonPath out = invoke(scheduledEvent()).then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < 3 && !Himoya.drain(worker::processBatch).isEmpty(); i++) {
            // a failed step (an SMTP hiccup) is redelivered, as SQS would
        }

        // Assert: the four are driven again and done; the held one still waits
        assertThat(out.getInt("redriven.deletion-redrive")).isEqualTo(4);
        assertThat(List.of(status(queued), status(crashed), status(neverEnqueued)))
                .containsOnly("COMPLETED");
        assertThat(count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND mail_pending IS NULL"
                + " AND status = 'AWAITING_VERIFICATION'", unverified)).isEqualTo(1);
        assertThat(Arrays.stream(SmtpResource.mail().getReceivedMessages()).map(DeadlineWatchdogFunctionTest::recipient))
                .containsExactlyInAnyOrder("anna@demo.example", "dilnoza@demo.example", "sherzod@demo.example",
                        "aigul@demo.example");
        assertThat(status(held)).isEqualTo("QUEUED");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1005")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"app\":\"nope\"} | app: is not an app this deployment serves",
            "{\"detail-type\":\"Scheduled Event\",\"detail\":{\"apps\":[\"demo\"]}} | apps: is not a known field",
            "{\"Records\":[{\"messageId\":\"m1\",\"body\":\"{}\",\"eventSource\":\"aws:sqs\"}]} | takes scheduled events" })
    void shouldFailWithClearMessage_whenEventIsBad(String event, String message) {
        Response r = invoke(event);

        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(r.asString()).contains(message);
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
    }

    private String file(String app, String userId) {
        return intake.submit(app, new IntakeCommand(Optional.of(userId), Optional.empty(), Optional.empty(), true,
                Optional.empty(), Secrets.sha256(app + userId))).view().id().toString();
    }

    private static String status(String id) {
        return Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'COMPLETED'", id)
                == 1 ? "COMPLETED" : Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid"
                        + " AND status = 'QUEUED'", id) == 1 ? "QUEUED" : "OTHER";
    }

    private static Response invoke(String event) {
        return given().contentType(ContentType.JSON).body(event).post(LAMBDA);
    }

    private static String scheduledEvent() {
        try (InputStream in = DeadlineWatchdogFunctionTest.class.getResourceAsStream("/events/scheduled-event.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static MimeMessage to(MimeMessage[] mails, String address) {
        return Arrays.stream(mails).filter(m -> recipient(m).equals(address)).findFirst().orElseThrow();
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded text/plain part. */
    private static String body(MimeMessage m) {
        try {
            return text(m.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof jakarta.mail.Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                jakarta.mail.BodyPart part = mp.getBodyPart(i);
                if (part.isMimeType("text/plain") || part.isMimeType("multipart/*")) {
                    return text(part.getContent());
                }
            }
        }
        return "";
    }
}
