package uz.himoya.notice;

/**
 * A mail ready to send. messageId is deterministic per notice, so a repeat sent in the one window where
 * a crash falls between send and commit can be dropped by mail systems.
 */
public record RenderedMail(String subject, String html, String text, String messageId) {
}
