package uz.himoya.aws.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.breach.NoticeFeedback;

/**
 * SES event records as SES's developer guide shows them (event publishing to SNS, raw delivery), and what an
 * attacker or a misconfiguration could put on the queue instead.
 */
class SesFeedbackEventTest {
    private static final UUID INCIDENT = UUID.fromString("6f1f2c9e-3a3b-4c55-9a8e-2b1d0c7e4f10");
    private static final String ADDRESS = "recipient@example.com";

    /** A bounce record as SES publishes it, recipient and diagnostic text included. */
    static String bounce(String bounceType, String subType, String tags) {
        return """
                {"eventType":"Bounce","bounce":{"bounceType":"%s","bounceSubType":"%s","bouncedRecipients":[
                {"emailAddress":"%s","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 %s unknown"}],
                "timestamp":"2026-12-03T10:41:02.669Z","feedbackId":"0100-example","reportingMTA":"dsn; mta.example.com"},
                "mail":{"timestamp":"2026-12-03T10:40:02.012Z","source":"no-reply@himoya.example",
                "sendingAccountId":"123456789012","messageId":"EXAMPLE-000000","destination":["%s"],
                "headersTruncated":false,"tags":%s}}""".formatted(bounceType, subType, ADDRESS, ADDRESS, ADDRESS, tags);
    }

    static String tags(String incident, String seq) {
        return """
                {"ses:configuration-set":["himoya-test-mail"],"ses:caller-identity":["himoya"],
                "himoya-breach":["%s"],"himoya-notice":["%s"]}""".formatted(incident, seq);
    }

    static String complaint(String feedbackType, String subType) {
        return """
                {"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"%s"}],
                "timestamp":"2026-12-03T10:41:02.669Z","feedbackId":"0100-example","userAgent":"Mail",
                "complaintFeedbackType":%s,"complaintSubType":%s,"arrivalDate":"2026-12-03T10:41:00.000Z"},
                "mail":{"destination":["%s"],"tags":%s}}""".formatted(ADDRESS, feedbackType, subType, ADDRESS,
                tags(INCIDENT.toString(), "7"));
    }

    @Test
    void shouldNameTheNoticeAndTheBounce_whenAPermanentBounceCarriesHimoyasTags() {
        Optional<NoticeFeedback> out = SesFeedbackEvent.decode(bounce("Permanent", "General",
                tags(INCIDENT.toString(), "42")));

        assertThat(out).contains(new NoticeFeedback(INCIDENT, 42, NoticeFeedback.Kind.BOUNCED,
                "ses-bounce-permanent-general"));
    }

    @Test
    void shouldCountATransientBounceAsBounced_becauseSesHasStoppedRetrying() {
        assertThat(SesFeedbackEvent.decode(bounce("Transient", "MailboxFull", tags(INCIDENT.toString(), "1"))))
                .map(NoticeFeedback::code).contains("ses-bounce-transient-mailboxfull");
    }

    @Test
    void shouldRecordAComplaint_andABouncedOneWhereSesSuppressedTheMail() {
        assertThat(SesFeedbackEvent.decode(complaint("\"abuse\"", "null")))
                .contains(new NoticeFeedback(INCIDENT, 7, NoticeFeedback.Kind.COMPLAINED, "ses-complaint-abuse"));
        assertThat(SesFeedbackEvent.decode(complaint("null", "\"OnAccountSuppressionList\"")))
                .contains(new NoticeFeedback(INCIDENT, 7, NoticeFeedback.Kind.BOUNCED, "ses-suppressed-complaint"));
    }

    @Test
    void shouldIgnore_eventsAboutOtherMailsOrOfOtherTypes() {
        assertThat(SesFeedbackEvent.decode(bounce("Permanent", "General",
                "{\"ses:configuration-set\":[\"himoya-test-mail\"]}"))).isEmpty();
        assertThat(SesFeedbackEvent.decode(bounce("Permanent", "General", "{}").replace(",\"tags\":{}", "")))
                .isEmpty();
        assertThat(SesFeedbackEvent.decode("{\"eventType\":\"Delivery\",\"mail\":{\"tags\":"
                + tags(INCIDENT.toString(), "1") + "}}")).isEmpty();
        assertThat(SesFeedbackEvent.decode("{\"notificationType\":\"Bounce\",\"bounce\":{}}")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "null", "[]", "\"Bounce\"", "{}", "{\"eventType\":7}", "{\"eventType\":null}",
            "{\"eventType\":\"Bounce\"", "{\"Type\":\"Notification\",\"Message\":\"{}\"}"})
    void shouldRefuse_whatIsNoSesEventRecord(String body) {
        assertThatThrownBy(() -> SesFeedbackEvent.decode(body)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "01", "1.5", "x", "99999999999", "1\\n", " 1", ""})
    void shouldRefuse_aNoticeTagTheNotifierNeverWrites(String seq) {
        String body = bounce("Permanent", "General", tags(INCIDENT.toString(), seq));

        assertThatThrownBy(() -> SesFeedbackEvent.decode(body)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(ADDRESS).doesNotContain(seq.isBlank() ? ADDRESS : seq);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-uuid", "6F1F2C9E-3A3B-4C55-9A8E-2B1D0C7E4F10x", "1-1-1-1-1", ""})
    void shouldRefuse_anIncidentTagThatIsNoIncidentId(String incident) {
        String body = bounce("Permanent", "General", tags(incident, "3"));

        assertThatThrownBy(() -> SesFeedbackEvent.decode(body)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuse_halfTaggedDuplicatedOrMistypedTags() {
        for (String tags : new String[] {"{\"himoya-breach\":[\"" + INCIDENT + "\"]}", "{\"himoya-notice\":[\"3\"]}",
                "{\"himoya-breach\":[\"" + INCIDENT + "\",\"" + INCIDENT + "\"],\"himoya-notice\":[\"3\"]}",
                "{\"himoya-breach\":\"" + INCIDENT + "\",\"himoya-notice\":[\"3\"]}",
                "{\"himoya-breach\":[\"" + INCIDENT + "\"],\"himoya-notice\":[3]}", "[]"}) {
            String body = bounce("Permanent", "General", tags);
            assertThatThrownBy(() -> SesFeedbackEvent.decode(body)).as(tags)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuse_aBounceOfUnknownTypeOrWithoutItsObject() {
        String tags = tags(INCIDENT.toString(), "3");
        for (String body : new String[] {bounce("Soft", "General", tags), bounce("Permanent", "Gen\\u0000eral", tags),
                bounce("Permanent", "General", tags).replaceFirst("\"bounce\":\\{", "\"bounced\":{"),
                bounce("", "General", tags)}) {
            assertThatThrownBy(() -> SesFeedbackEvent.decode(body)).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain(ADDRESS);
        }
    }
}
