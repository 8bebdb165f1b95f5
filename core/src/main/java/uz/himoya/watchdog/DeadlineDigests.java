package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.db.Jdbc;
import uz.himoya.notice.MailGateway;
import uz.himoya.notice.RenderedMail;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Mails a digest unless the same digest (the same items in the same state) went to the same recipient
 * within himoya.watchdog.digest-repeat: the watchdog runs hourly, the contact should not hear the same
 * thing hourly. The check, the send and the record are one transaction, locked per recipient: two
 * watchdogs at once send once, and an SMTP failure rolls the record back so the next run tries again.
 */
@ApplicationScoped
public class DeadlineDigests {
    private final Jdbc jdbc;
    private final WatchdogMails mails;
    private final MailGateway gateway;
    private final HimoyaConfig config;

    public DeadlineDigests(Jdbc jdbc, WatchdogMails mails, MailGateway gateway, HimoyaConfig config) {
        this.jdbc = jdbc;
        this.mails = mails;
        this.gateway = gateway;
        this.config = config;
    }

    /** To the app's privacy contact, in the app's default language. */
    public boolean sendToApp(PrivacyMap.App app, List<DeadlineAlert> alerts, List<DigestNote> notes, Instant now) {
        return send(app.id(), app.contactEmail(), alerts, notes, now, fp -> mails.digest(app, alerts, notes, now, fp));
    }

    public boolean sendToOps(String address, List<DeadlineAlert> alerts, List<DigestNote> notes, Instant now) {
        return send("ops", address, alerts, notes, now, fp -> mails.opsDigest(alerts, notes, now, fp));
    }

    private boolean send(String recipient, String address, List<DeadlineAlert> alerts, List<DigestNote> notes,
            Instant now, java.util.function.Function<String, RenderedMail> render) {
        if (alerts.isEmpty() && notes.isEmpty()) {
            return false;
        }
        byte[] fingerprint = fingerprint(alerts, notes);
        return jdbc.inNewTransaction(c -> {
            if (!due(c, recipient, fingerprint, now)) {
                return false;
            }
            gateway.send(address, render.apply(java.util.HexFormat.of().formatHex(fingerprint, 0, 8)));
            Jdbc.update(c, "UPDATE watchdog_digest SET fingerprint = ?, sent_at = ? WHERE recipient = ?", ps -> {
                ps.setBytes(1, fingerprint);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, recipient);
            });
            return true;
        });
    }

    private boolean due(Connection c, String recipient, byte[] fingerprint, Instant now) throws SQLException {
        Jdbc.update(c, "INSERT INTO watchdog_digest (recipient, fingerprint, sent_at)"
                + " VALUES (?, ''::bytea, '-infinity') ON CONFLICT (recipient) DO NOTHING",
                ps -> ps.setString(1, recipient));
        return Jdbc.list(c, "SELECT fingerprint, sent_at > ? FROM watchdog_digest WHERE recipient = ? FOR UPDATE",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(now.minus(config.watchdog().digestRepeat())));
                    ps.setString(2, recipient);
                }, rs -> !(Arrays.equals(rs.getBytes(1), fingerprint) && rs.getBoolean(2))).get(0);
    }

    /**
     * The items and their state (overdue or not, status, note), and the notes beside them: a change in any of
     * them is news.
     */
    static byte[] fingerprint(List<DeadlineAlert> alerts, List<DigestNote> notes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            java.util.stream.Stream.concat(alerts.stream().map(a -> a.kind() + ':' + a.reference() + ':' + a.overdue()
                    + ':' + a.status() + ':' + a.note() + '\n'), notes.stream().map(n -> n.fingerprint() + '\n'))
                    .sorted().forEach(s -> sha.update(s.getBytes(StandardCharsets.UTF_8)));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
