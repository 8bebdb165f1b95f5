package uz.himoya.notice;

import io.vertx.ext.mail.MailMessage;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import uz.himoya.config.HimoyaConfig;

/**
 * Sends rendered mails over SMTP. Throws when the server refuses or is unreachable, so the caller's
 * transaction rolls back and the work is retried: no mail is marked sent that was not.
 *
 * <p>It builds the message for the Vert.x mail client that quarkus-mailer configures (same settings, same
 * pool) instead of going through quarkus-mailer's {@code Mail}: that one always hands the client a Cc
 * list, empty or not, and the client then writes an empty {@code Cc:} header into every mail (issue 10).
 * Here every header is one Himoya means to send.
 *
 * <p>Addresses go out as ASCII only: the client speaks no SMTPUTF8 (RFC 6531), so a non-ASCII address
 * would reach the server as raw bytes. The intake refuses such addresses (422); an address read from an
 * app's own records is refused here, before connecting, with the reply a server without SMTPUTF8 gives
 * (553 5.6.7), which callers already treat as a permanent refusal.
 */
@ApplicationScoped
public class MailGateway {
    /**
     * How long one try may wait. An SMTP exchange of one small mail takes well under a second; a connection that
     * stalls (seen in the tests here: the client waiting for a reply while the server waits for the client, until
     * the server's idle timeout, 30 s in GreenMail) is abandoned after this, so a send never holds a digest, an
     * HTTP call or a notifier batch for a minute.
     */
    static final Duration TRY_TIMEOUT = Duration.ofSeconds(10);

    private final MailClient client;
    private final String from;
    private final Optional<String> configurationSet;

    @Inject
    public MailGateway(MailClient client, @ConfigProperty(name = "quarkus.mailer.from") String from,
            HimoyaConfig config) {
        this(client, from, config.mail().sesConfigurationSet());
    }

    /** A gateway that writes no SES headers, as against any plain SMTP server. */
    public MailGateway(MailClient client, String from) {
        this(client, from, Optional.empty());
    }

    /**
     * @param configurationSet the SES configuration set each mail names, whose events report bounces and
     *                         complaints; SES reads and strips the X-SES-* headers before delivery
     */
    public MailGateway(MailClient client, String from, Optional<String> configurationSet) {
        this.client = client;
        this.from = from;
        this.configurationSet = configurationSet;
    }

    /** Thrown for an address Himoya will not put on the wire; permanent, like an SMTP 5xx reply. */
    public static final class AddressRefused extends RuntimeException {
        AddressRefused() {
            super("553 5.6.7 non-ASCII address: SMTPUTF8 is not used (address not shown)", null, false, false);
        }
    }

    public void send(String to, RenderedMail mail) {
        if (!ascii(to)) {
            throw new AddressRefused();
        }
        MailMessage m = new MailMessage().setFrom(from).setTo(to).setSubject(mail.subject()).setText(mail.text())
                .setHtml(mail.html());
        if (mail.messageId() != null) {
            m.addHeader("Message-ID", mail.messageId());
        }
        m.addHeader("Auto-Submitted", "auto-generated");
        configurationSet.ifPresent(set -> {
            m.addHeader("X-SES-CONFIGURATION-SET", set);
            if (!mail.tags().isEmpty()) {
                m.addHeader("X-SES-MESSAGE-TAGS", sesTags(mail.tags()));
            }
        });
        try {
            client.sendMail(m).await().atMost(TRY_TIMEOUT);
        } catch (io.smallrye.mutiny.TimeoutException stalled) {
            // Once more, on another connection (the stalled one is still in use, so the pool does not hand it
            // out). A stall before the server's final reply may still have delivered the first try: the mail can
            // then arrive twice, as with any SMTP retry (and SES replaces Message-ID, so receivers keep both;
            // issue 12).
            client.sendMail(m).await().atMost(TRY_TIMEOUT);
        }
    }

    /** SES's tag header: name=value pairs, comma-separated, in a stable order. */
    static String sesTags(Map<String, String> tags) {
        return new TreeMap<>(tags).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Printable ASCII only: no control, zero-width or bidi characters either. */
    static boolean ascii(String address) {
        return address != null && !address.isEmpty() && address.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }
}
