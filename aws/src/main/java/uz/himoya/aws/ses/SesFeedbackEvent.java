package uz.himoya.aws.ses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import uz.himoya.breach.BreachMails;
import uz.himoya.breach.NoticeFeedback;

/**
 * Decodes one SES event record (configuration set event publishing, delivered through SNS to SQS with raw
 * message delivery, so the queue message's body is SES's JSON itself) into the notice feedback it carries.
 *
 * <p>Read: eventType; mail.tags, for the tags the notifier wrote (BreachMails.INCIDENT_TAG, SEQ_TAG); the
 * bounce's type and sub-type, the complaint's feedback type and sub-type. Never read or quoted: the
 * recipients, headers and diagnostic texts the record also holds, which are personal data. Every error
 * message here is a fixed text.
 *
 * <p>What the record means (SES developer guide, "Contents of event data that Amazon SES publishes to Amazon
 * SNS"):
 * <ul>
 * <li>Bounce, any bounceType (Permanent, Transient: SES stopped retrying, Undetermined): the mail did not
 * arrive, BOUNCED.</li>
 * <li>Complaint: the mail arrived and its user reported it, COMPLAINED; except complaintSubType
 * OnAccountSuppressionList, where SES accepted the mail but did not send it, because the address complained
 * before: BOUNCED.</li>
 * <li>Other event types, and mails without Himoya's tags (verifications, confirmations, digests): nothing for
 * a notice (empty).</li>
 * </ul>
 */
public final class SesFeedbackEvent {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** SES's enumerations are words: "Permanent", "MailboxFull", "abuse", "not-spam". */
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z-]{0,39}");
    private static final Pattern SEQ = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private SesFeedbackEvent() {
    }

    /**
     * @throws IllegalArgumentException when the body is not an SES event record, or names a notice in a form
     *                                  the notifier never writes
     */
    public static Optional<NoticeFeedback> decode(String body) {
        JsonNode event;
        try {
            event = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        if (event.has("Type") && event.has("Message")) {
            throw new IllegalArgumentException("an SNS envelope: the subscription must use raw message delivery");
        }
        JsonNode type = event.get("eventType");
        if (type == null) {
            if (event.path("notificationType").isTextual()) {
                return Optional.empty(); // an identity's feedback notification: it carries no tags
            }
            throw new IllegalArgumentException("no eventType");
        }
        if (!type.isTextual()) {
            throw new IllegalArgumentException("eventType is not a string");
        }
        if (!type.asText().equals("Bounce") && !type.asText().equals("Complaint")) {
            return Optional.empty();
        }
        JsonNode tags = event.path("mail").path("tags");
        if (!tags.isMissingNode() && !tags.isObject()) {
            throw new IllegalArgumentException("mail.tags is not an object");
        }
        Optional<String> incident = tag(tags, BreachMails.INCIDENT_TAG);
        Optional<String> seq = tag(tags, BreachMails.SEQ_TAG);
        if (incident.isEmpty() && seq.isEmpty()) {
            return Optional.empty();
        }
        // The notifier writes a UUID in its canonical form and a seq of at most 10 digits that fits an int.
        if (incident.isEmpty() || seq.isEmpty() || !UUID_TEXT.matcher(incident.get()).matches()
                || !SEQ.matcher(seq.get()).matches() || Long.parseLong(seq.get()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the breach notice tags are incomplete or malformed");
        }
        UUID id = UUID.fromString(incident.get());
        int n = Integer.parseInt(seq.get());
        if (type.asText().equals("Bounce")) {
            JsonNode bounce = requireObject(event, "bounce");
            String bounceType = word(bounce, "bounceType", true);
            if (!bounceType.equals("Permanent") && !bounceType.equals("Transient")
                    && !bounceType.equals("Undetermined")) {
                throw new IllegalArgumentException("bounceType is not one SES documents");
            }
            String subType = word(bounce, "bounceSubType", false);
            return Optional.of(new NoticeFeedback(id, n, NoticeFeedback.Kind.BOUNCED,
                    code("ses-bounce-" + bounceType, subType)));
        }
        JsonNode complaint = requireObject(event, "complaint");
        String subType = word(complaint, "complaintSubType", false);
        if ("OnAccountSuppressionList".equals(subType)) {
            return Optional.of(new NoticeFeedback(id, n, NoticeFeedback.Kind.BOUNCED,
                    "ses-suppressed-complaint"));
        }
        return Optional.of(new NoticeFeedback(id, n, NoticeFeedback.Kind.COMPLAINED,
                code("ses-complaint", word(complaint, "complaintFeedbackType", false))));
    }

    /** A tag's one value; SES writes each tag as an array of values. */
    private static Optional<String> tag(JsonNode tags, String name) {
        JsonNode values = tags.get(name);
        if (values == null) {
            return Optional.empty();
        }
        if (!values.isArray() || values.size() != 1 || !values.get(0).isTextual()) {
            throw new IllegalArgumentException("a breach notice tag does not hold exactly one value");
        }
        return Optional.of(values.get(0).asText());
    }

    private static JsonNode requireObject(JsonNode event, String field) {
        JsonNode node = event.get(field);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the event has no " + field + " object");
        }
        return node;
    }

    /** null where an optional field is absent or null; a word otherwise. */
    private static String word(JsonNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new IllegalArgumentException("the event has no " + field);
            }
            return null;
        }
        if (!node.isTextual() || !WORD.matcher(node.asText()).matches()) {
            throw new IllegalArgumentException(field + " is not a word");
        }
        return node.asText();
    }

    private static String code(String prefix, String detail) {
        String code = detail == null ? prefix : prefix + "-" + detail;
        return code.toLowerCase(Locale.ROOT);
    }
}
