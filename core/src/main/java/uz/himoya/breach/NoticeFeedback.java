package uz.himoya.breach;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the mail provider reported about one breach notice after it had accepted it, as an adapter decoded it
 * from the provider's event (in AWS: an SES bounce or complaint, uz.himoya.aws.ses.SesFeedbackEvent). The
 * notice is named by the incident and seq the notifier tagged the mail with (BreachMails.forNotice): the
 * notice's address is gone once it is sent, so the event's recipient could not find it, and is never read.
 *
 * @param code an error code (lower-case letters, digits, dashes), e.g. ses-bounce-permanent-general; never text
 *             a server wrote, which could quote the address
 */
public record NoticeFeedback(UUID incident, int seq, Kind kind, String code) {
    private static final Pattern CODE = Pattern.compile("[a-z0-9-]{1,80}");

    public enum Kind {
        /** Returned by the receiving side: the user was not told. */
        BOUNCED,
        /** Delivered, and reported as spam by the user. */
        COMPLAINED
    }

    public NoticeFeedback {
        if (incident == null || kind == null || seq < 1 || code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("not a notice feedback (incident, seq >= 1, kind, code)");
        }
    }
}
