package uz.himoya.breach.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.breach.BreachNotifier;
import uz.himoya.breach.BreachService;
import uz.himoya.breach.BreachView;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * The mailFeedback function through the Lambda mock event server (issue 12, part 2): the notifier sends real
 * notices to a real SMTP server with the SES headers a deploy turns on; SES's bounce and complaint records for
 * those very mails (tags read back from the received headers) come in the SQS event the SNS subscription
 * delivers, and the incident's report counts them.
 */
@QuarkusTest
@TestProfile(MailFeedbackFunctionTest.ExportFeedback.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class MailFeedbackFunctionTest {

    /** Deploys this artifact as the feedback handler, with a configuration set named, as the infra sets it. */
    public static class ExportFeedback implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "mailFeedback", "himoya.breach.batch-size", "2",
                    "himoya.mail.ses-configuration-set", "himoya-test-mail");
        }
    }

    @Inject
    BreachService breaches;

    @Inject
    BreachNotifier notifier;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    @Test
    void shouldCountABouncedAndAComplainedNotice_whenSesReportsThemForMailsItAccepted() throws Exception {
        // Arrange: every demo user told, through the real notifier and SMTP server
        UUID incident = sendToEveryone();
        List<Map<String, String>> tags = receivedTags();
        assertThat(tags).hasSize(6).allSatisfy(t -> assertThat(t).containsEntry("himoya-breach",
                incident.toString()).containsKey("himoya-notice"));
        String bounced = tags.get(1).get("himoya-notice");
        String complained = tags.get(4).get("himoya-notice");
        String event = sample(incident, bounced, complained);

        // Act: SES's records for those two mails, and the same event again (SNS and SQS deliver at least once)
        JsonPath first = BreachNotifierFunctionTest.invoke(event);
        String afterFirst = Himoya.dumpHimoyaTables();
        JsonPath again = BreachNotifierFunctionTest.invoke(event);

        // Assert
        assertThat(first.getList("batchItemFailures")).isEmpty();
        assertThat(again.getList("batchItemFailures")).isEmpty();
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(afterFirst);
        BreachView.Progress progress = breaches.get(incident).progress();
        assertThat(progress).isEqualTo(new BreachView.Progress(6, 0, 0, 5, 0, 1, 1));
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE incident_id = ? AND seq = ?"
                + " AND status = 'BOUNCED' AND last_error = 'ses-bounce-permanent-general' AND address IS NULL"
                + " AND sealed_address IS NULL", incident, Integer.parseInt(bounced))).isEqualTo(1);
        assertThat(breaches.get(incident).status()).isEqualTo("COMPLETED");
        // What users received, by language: the bounced notice is not among them.
        assertThat(breaches.report(incident).get("noticesByLanguage")).isEqualTo(Map.of("uz", 5L));
        // Nothing of the event's recipient was kept.
        assertThat(afterFirst).doesNotContain("someone-");
    }

    @Test
    void shouldNeitherRepeatNorWaitForANotice_whenItsBounceArrivesWhileItsSenderIsDead() throws Exception {
        // Arrange: the fan-out queued, notice 1 claimed by a notifier that died after SMTP accepted it
        UUID incident = BreachNotifierFunctionTest.registerForEveryone(breaches, Instant.now());
        Himoya.sql("UPDATE breach_notice SET status = 'SENDING', lease_until = now() - interval '1 minute'"
                + " WHERE seq = 1");
        List<ObjectNode> records = records(incident, "1", "2");

        // Act: its bounce, then the notifier retakes the range
        JsonPath out = BreachNotifierFunctionTest.invoke(event(records.get(0)));
        Himoya.drain(SqsResource.breachUrl(), notifier::processBatch);

        // Assert: five mails, not six; the incident completes with the bounced notice counted
        assertThat(out.getList("batchItemFailures")).isEmpty();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(5);
        assertThat(breaches.get(incident).progress()).isEqualTo(new BreachView.Progress(6, 0, 0, 5, 0, 1, 0));
        assertThat(breaches.get(incident).status()).isEqualTo("COMPLETED");
    }

    @Test
    void shouldReportOnlyTheMalformedRecord_andChangeNothingForOtherMails() throws Exception {
        // Arrange: notices sent; then records about other mails (no Himoya tags), about no notice, and one
        // naming notice 0, which the notifier never writes
        UUID incident = sendToEveryone();
        String before = Himoya.dumpHimoyaTables();
        ObjectNode verification = records(incident, "1", "2").get(0);
        body(verification, tags -> tags.without(List.of("himoya-breach", "himoya-notice")));
        ObjectNode unknown = records(UUID.randomUUID(), "1", "2").get(0);
        unknown.put("messageId", "unknown-incident");
        ObjectNode poison = records(incident, "1", "2").get(0);
        poison.put("messageId", "poison");
        body(poison, tags -> tags.set("himoya-notice", JSON.createArrayNode().add("0")));

        // Act
        JsonPath out = BreachNotifierFunctionTest.invoke(event(verification, unknown, poison));

        // Assert: only the poison goes back to the queue (and, after its retries, to the dead-letter queue)
        assertThat(out.getList("batchItemFailures.itemIdentifier")).containsExactly("poison");
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(before);
    }

    @Inject
    uz.himoya.snapstart.SnapStartPriming priming;

    @Test
    void shouldChangeNothing_whenPrimingBeforeTheSnapshot() throws Exception {
        // Arrange: notices sent
        UUID incident = sendToEveryone();
        String before = Himoya.dumpHimoyaTables();

        // Act: the function's primers, its SES bounce for a notice of an incident that does not exist included
        priming.beforeCheckpoint(null);

        // Assert
        assertThat(priming.lastOutcome().failed()).isZero();
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(before);
        assertThat(breaches.get(incident).progress().bounced()).isZero();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sample event of this function (a bounce, a complaint), naming the given notices. */
    static String sample(UUID incident, String bouncedSeq, String complainedSeq) throws Exception {
        try (var in = MailFeedbackFunctionTest.class.getResourceAsStream("/events/sqs-ses-feedback.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${incident}", incident.toString())
                    .replace("${seq}", bouncedSeq).replace("${complainedSeq}", complainedSeq)
                    .replace("${address}", "someone-" + bouncedSeq + "@market.example");
        }
    }

    /** The sample's records, to take apart. */
    static List<ObjectNode> records(UUID incident, String bouncedSeq, String complainedSeq) throws Exception {
        List<ObjectNode> out = new java.util.ArrayList<>();
        JSON.readTree(sample(incident, bouncedSeq, complainedSeq)).get("Records")
                .forEach(r -> out.add((ObjectNode) r));
        return out;
    }

    static String event(ObjectNode... records) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").addAll(List.of(records));
        return JSON.writeValueAsString(event);
    }

    /** Changes the SES tags inside a record's body. */
    static void body(ObjectNode record, java.util.function.Consumer<ObjectNode> tags) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree(record.get("body").asText());
        tags.accept((ObjectNode) body.get("mail").get("tags"));
        record.put("body", JSON.writeValueAsString(body));
    }

    private UUID sendToEveryone() {
        UUID incident = BreachNotifierFunctionTest.registerForEveryone(breaches, Instant.now());
        Himoya.drain(SqsResource.breachUrl(), notifier::processBatch);
        assertThat(breaches.get(incident).progress().sent()).isEqualTo(6);
        return incident;
    }

    /** The SES tags of every received mail, as SES reads X-SES-MESSAGE-TAGS ("name=value, name=value"). */
    private static List<Map<String, String>> receivedTags() throws Exception {
        List<Map<String, String>> out = new java.util.ArrayList<>();
        for (MimeMessage m : SmtpResource.mail().getReceivedMessages()) {
            assertThat(m.getHeader("X-SES-CONFIGURATION-SET", null)).isEqualTo("himoya-test-mail");
            out.add(Arrays.stream(m.getHeader("X-SES-MESSAGE-TAGS", null).split(",\\s*"))
                    .map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1], (a, b) -> a,
                            LinkedHashMap::new)));
        }
        return out;
    }
}
