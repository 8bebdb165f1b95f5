package uz.himoya.notice;

import io.vertx.ext.mail.SMTPException;
import java.util.Locale;

/**
 * What a failed send means, read from the SMTP reply, as SES and other servers mean it (RFC 5321 reply codes,
 * RFC 3463 enhanced status codes):
 *
 * <ul>
 * <li>{@link Scope#RECIPIENT}: the server refused this one address for good: a 5xx reply to RCPT TO with an
 * enhanced status 5.1.x (bad mailbox, bad domain, bad syntax: 5.1.1, 5.1.2, 5.1.3, 5.1.10), or an address Himoya
 * itself will not put on the wire ({@link MailGateway.AddressRefused}). Another try can never deliver it.
 * <li>{@link Scope#SERVICE}: everything else: wrong credentials (535), throttling (421, 454), an account paused
 * or still in the SES sandbox (554 "Message rejected", 5.7.x), a refusal of the sender or of the message, a
 * 5xx to RCPT without an enhanced code (ambiguous: servers send it for policy too), a connection that failed or
 * stalled. None of these says anything about the recipient, so the mail is tried again later; failing it would
 * give up a legal duty to notify (GDPR Art. 34, ZRU-547 Art. 29) for a fault of Himoya's own account.
 * </ul>
 *
 * <p>{@link #code()} names the failure without any of the reply's text, which may quote the address: for example
 * {@code smtp-550-5.1.1}, {@code smtp-535}, {@code smtp-unreachable}.
 */
public record MailFailure(Scope scope, String code) {

    public enum Scope {
        RECIPIENT,
        SERVICE
    }

    /** How Vert.x's mail client begins the message of a refusal of RCPT TO (SMTPSendMail). */
    private static final String RCPT_REFUSED = "recipient address not accepted";

    public boolean recipient() {
        return scope == Scope.RECIPIENT;
    }

    /** Reads what a send threw (the reply may be a cause of a wrapper). */
    public static MailFailure of(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof MailGateway.AddressRefused) {
                return new MailFailure(Scope.RECIPIENT, "smtp-553-5.6.7");
            }
            if (t instanceof SMTPException e) {
                return of(e);
            }
            if (t instanceof io.smallrye.mutiny.TimeoutException) {
                return new MailFailure(Scope.SERVICE, "smtp-timeout");
            }
        }
        return new MailFailure(Scope.SERVICE, "smtp-unreachable");
    }

    private static MailFailure of(SMTPException e) {
        int reply = e.getReplyCode();
        if (reply < 200 || reply > 599) {
            return new MailFailure(Scope.SERVICE, "smtp-reply"); // a reply the client could not read
        }
        String enhanced = enhanced(e);
        String code = "smtp-" + reply + (enhanced == null ? "" : "-" + enhanced);
        boolean toRecipient = e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).startsWith(RCPT_REFUSED);
        boolean badAddress = enhanced != null && enhanced.startsWith("5.1.");
        return new MailFailure(reply / 100 == 5 && toRecipient && badAddress ? Scope.RECIPIENT : Scope.SERVICE, code);
    }

    /**
     * The reply's enhanced status code (class.subject.detail), read from the reply itself; null where it has
     * none. Only digits go into the code, never reply text.
     */
    private static String enhanced(SMTPException e) {
        String line = e.getReplyMessage();
        if (line == null) {
            return null;
        }
        // "550 5.1.1 <x@y> user unknown" or "550-5.1.1 ..."; the code follows the reply code and a space or dash
        java.util.regex.Matcher m = ENHANCED.matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private static final java.util.regex.Pattern ENHANCED = java.util.regex.Pattern
            .compile("^\\s*\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})(\\s|$)");
}
