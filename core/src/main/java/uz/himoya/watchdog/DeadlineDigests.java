package uz.himoya.watchdog;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import uz.himoya.config.HimoyaConfig;
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
    private final AgroalDataSource dataSource;
    private final WatchdogMails mails;
    private final MailGateway gateway;
    private final HimoyaConfig config;

    public DeadlineDigests(AgroalDataSource dataSource, WatchdogMails mails, MailGateway gateway,
            HimoyaConfig config) {
        this.dataSource = dataSource;
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
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                if (!due(c, recipient, fingerprint, now)) {
                    return false;
                }
                gateway.send(address, render.apply(java.util.HexFormat.of().formatHex(fingerprint, 0, 8)));
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE watchdog_digest SET fingerprint = ?, sent_at = ? WHERE recipient = ?")) {
                    ps.setBytes(1, fingerprint);
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, recipient);
                    ps.executeUpdate();
                }
                return true;
            }
        });
    }

    private boolean due(Connection c, String recipient, byte[] fingerprint, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO watchdog_digest (recipient, fingerprint, sent_at)"
                + " VALUES (?, ''::bytea, '-infinity') ON CONFLICT (recipient) DO NOTHING")) {
            ps.setString(1, recipient);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT fingerprint, sent_at > ? FROM watchdog_digest WHERE recipient = ? FOR UPDATE")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(config.watchdog().digestRepeat())));
            ps.setString(2, recipient);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !(Arrays.equals(rs.getBytes(1), fingerprint) && rs.getBoolean(2));
            }
        }
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
