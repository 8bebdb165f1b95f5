package uz.himoya.notice;

import java.util.Map;

/**
 * A mail ready to send. messageId is deterministic per notice, so a repeat sent in the one window where
 * a crash falls between send and commit can be dropped by mail systems (SES replaces it, though: issue 12).
 * tags name what the mail is about for the provider's events (SES message tags: letters, digits, '-' and '_'
 * only), never anything personal; MailGateway sends them only where a provider reads them.
 */
public record RenderedMail(String subject, String html, String text, String messageId, Map<String, String> tags) {

    public RenderedMail {
        tags = Map.copyOf(tags);
    }

    /** A mail no provider event needs to name. */
    public RenderedMail(String subject, String html, String text, String messageId) {
        this(subject, html, text, messageId, Map.of());
    }
}
