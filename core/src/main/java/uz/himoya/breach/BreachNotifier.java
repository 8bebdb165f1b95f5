package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.notice.MailFailure;
import uz.himoya.notice.MailGateway;
import uz.himoya.notice.RenderedMail;
import uz.himoya.store.AppRegistry;
import uz.himoya.queue.QueueMessage;

/**
 * Sends the notices a queue message names. Each notice moves PENDING -> SENDING (claimed with a lease) ->
 * SENT, or FAILED when the server refuses the recipient's address for good (MailFailure: a 5.1.x reply to RCPT
 * TO; every other failure is retried). A notice is marked SENT in its own commit right after
 * the send, so a redelivered message finds it sent and skips it; only a crash between those two steps can
 * repeat a notice. That repeat reaches the user: SES replaces the Message-ID with its own, so receivers
 * cannot tell it from the first. The address is kept sealed until the notice is marked (V11).
 */
@ApplicationScoped
public class BreachNotifier {
    private static final Logger LOG = Logger.getLogger(BreachNotifier.class);
    /** A notice this invocation holds the lease on, with what sending it needs. */
    record Claimed(int seq, String address, String locale) {
    }

    private final AppRegistry apps;
    private final Jdbc jdbc;
    private final Clock clock;
    private final HimoyaConfig config;
    private final BreachMails mails;
    private final MailGateway gateway;
    private final BreachQueue queue;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Secrets secrets;

    public BreachNotifier(AppRegistry apps, Jdbc jdbc, Clock clock, HimoyaConfig config,
            BreachMails mails, MailGateway gateway, BreachQueue queue, Secrets secrets) {
        this.apps = apps;
        this.jdbc = jdbc;
        this.clock = clock;
        this.config = config;
        this.mails = mails;
        this.gateway = gateway;
        this.queue = queue;
        this.secrets = secrets;
    }

    /** Returns the ids of the messages to redeliver; a malformed one goes, after its retries, to the DLQ. */
    public List<String> processBatch(List<QueueMessage> batch) {
        // The whole invocation shares one budget: messages it no longer has time for are handed on unopened.
        Instant stopAt = clock.instant().plus(config.breach().sendBudget());
        List<String> failed = new ArrayList<>();
        for (QueueMessage m : batch) {
            Optional<BreachMessage> msg = BreachMessage.parse(m.body());
            if (msg.isEmpty()) {
                LOG.warnf("message=%s is not a breach message; left for the dead-letter queue", m.messageId());
                failed.add(m.messageId());
                continue;
            }
            try {
                if (!process(msg.get(), stopAt)) {
                    failed.add(m.messageId());
                }
            } catch (RuntimeException e) {
                LOG.warnf("breach=%s batch %d-%d failed: %s", msg.get().incident(), msg.get().fromSeq(),
                        msg.get().toSeq(), e.getClass().getSimpleName());
                failed.add(m.messageId());
            }
        }
        return failed;
    }

    /**
     * true when the message is done with (sent, failed for good, handed to a delayed retry, or handed on
     * because the invocation's send budget ran out at stopAt).
     */
    boolean process(BreachMessage msg, Instant stopAt) {
        if (!clock.instant().isBefore(stopAt)) {
            return handOn(msg, List.of());
        }
        Optional<BreachStore.Row> incident = sql(c -> BreachStore.find(c, msg.incident(), false));
        if (incident.isEmpty()) {
            LOG.warnf("breach=%s unknown; message dropped", msg.incident());
            return true;
        }
        AppRegistry.CompiledApp app = apps.require(incident.get().appId());
        BreachMails.Incident data = new BreachMails.Incident(msg.incident(), incident.get().discoveredAt(),
                incident.get().windowFrom(), incident.get().windowTo(), incident.get().categories(),
                incident.get().content());
        List<Claimed> claimed = sql(c -> claim(c, msg));
        Map<String, RenderedMail> rendered = new HashMap<>();
        RateLimiter limiter = limiters.computeIfAbsent(app.app().id(),
                k -> RateLimiter.realTime(config.breach().ratePerSecond()));
        for (int i = 0; i < claimed.size(); i++) {
            Claimed n = claimed.get(i);
            String locale = BreachMails.localeFor(n.locale(), app.app(), data.content());
            RenderedMail mail = BreachMails.forNotice(rendered.computeIfAbsent(locale,
                    l -> mails.render(app.app(), data, l)), msg.incident(), n.seq());
            limiter.acquire();
            if (!clock.instant().isBefore(stopAt)) {
                // Out of time (the rate's wait included): what is unsent goes back, and the range to the next
                // invocation, before the function's timeout could cut a send off between SMTP and its mark.
                return handOn(msg, claimed.subList(i, claimed.size()).stream().map(Claimed::seq).toList());
            }
            try {
                gateway.send(n.address(), mail);
            } catch (RuntimeException e) {
                MailFailure failure = MailFailure.of(e);
                if (failure.recipient()) {
                    // Only this address is refused for good (5.1.x after RCPT TO): the other notices go on.
                    mark(msg.incident(), n.seq(), "FAILED", failure.code(), null);
                    continue;
                }
                // The server is away: give back what is unsent and try the range again later, with backoff.
                List<Integer> unsent = claimed.subList(i, claimed.size()).stream().map(Claimed::seq).toList();
                sql(c -> {
                    release(c, msg.incident(), unsent);
                    return null;
                });
                long delay = config.breach().retryBaseDelay().toSeconds() << Math.min(msg.retry(), 5);
                // Credentials, throttling, a paused account, a refused sender or message, the connection: nothing
                // about the recipient, so the notice keeps its address and is tried again (MailFailure).
                LOG.warnf("breach=%s smtp unavailable (%s); %d notices retried in %ds", msg.incident(),
                        failure.code(), unsent.size(), delay);
                queue.retryLater(msg, delay);
                return true;
            }
            mark(msg.incident(), n.seq(), "SENT", null, locale);
        }
        sql(c -> {
            completeIfDone(c, msg.incident(), clock.instant());
            return null;
        });
        return true;
    }

    /**
     * Gives the unsent notices back (PENDING) and queues the range again for another invocation. false when the
     * queue refused it: the message is then redelivered instead, and finds the same notices PENDING.
     */
    private boolean handOn(BreachMessage msg, List<Integer> unsent) {
        if (!unsent.isEmpty()) {
            sql(c -> {
                release(c, msg.incident(), unsent);
                return null;
            });
        }
        try {
            queue.handOn(msg);
        } catch (RuntimeException e) {
            LOG.warnf("breach=%s batch %d-%d: send budget spent, and the range could not be queued again (%s);"
                    + " left for redelivery", msg.incident(), msg.fromSeq(), msg.toSeq(), e.getClass().getSimpleName());
            return false;
        }
        LOG.infof("breach=%s batch %d-%d: send budget spent; the range is handed on to the next invocation (%d"
                + " claimed notices given back)", msg.incident(), msg.fromSeq(), msg.toSeq(), unsent.size());
        return true;
    }

    private List<Claimed> claim(Connection c, BreachMessage msg) throws SQLException {
        return claim(c, msg, clock.instant(), config.breach().lease(), secrets::decrypt);
    }

    /**
     * Leases the message's range: PENDING notices, and SENDING ones whose lease ran out (a crashed sender),
     * in seq order, each with its address opened (open: Secrets.decrypt; a notice resolved before V11 holds
     * it in clear). Package-level so the breach benchmark measures this very statement.
     */
    static List<Claimed> claim(Connection c, BreachMessage msg, Instant now, Duration lease,
            Function<byte[], String> open) throws SQLException {
        List<Claimed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE breach_notice SET status = 'SENDING', lease_until = ?, attempts = attempts + 1
                 WHERE incident_id = ? AND seq BETWEEN ? AND ?
                   AND (status = 'PENDING' OR (status = 'SENDING' AND lease_until < ?))
                RETURNING seq, address, sealed_address, locale""")) {
            ps.setTimestamp(1, Timestamp.from(now.plus(lease)));
            ps.setObject(2, msg.incident());
            ps.setInt(3, msg.fromSeq());
            ps.setInt(4, msg.toSeq());
            ps.setTimestamp(5, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] sealed = rs.getBytes(3);
                    out.add(new Claimed(rs.getInt(1), sealed != null ? open.apply(sealed) : rs.getString(2),
                            rs.getString(4)));
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
        return out;
    }

    /**
     * SENT or FAILED, in its own commit; the address goes, only its keyed hash stays as evidence. A sent
     * notice records the language it was written in, which the report counts (issue 10: it counted the
     * language asked for, "ky: 1" for a notice that went out in Uzbek).
     */
    private void mark(UUID incident, int seq, String status, String error, String sentLocale) {
        sql(c -> {
            mark(c, incident, seq, status, error, sentLocale, clock.instant());
            return null;
        });
    }

    /** mark's statement on the caller's connection (package-level: the breach benchmark runs it too). */
    static void mark(Connection c, UUID incident, int seq, String status, String error, String sentLocale,
            Instant now) throws SQLException {
        BreachStore.update(c, "UPDATE breach_notice SET status = ?, address = NULL, sealed_address = NULL,"
                + " lease_until = NULL,"
                + " sent_at = ?, last_error = ?, sent_locale = ? WHERE incident_id = ? AND seq = ?"
                // A bounce or complaint recorded meanwhile (BreachFeedback) already settled it: it stays so.
                + " AND status = 'SENDING'", status,
                "SENT".equals(status) ? now : null, error, sentLocale, incident, seq);
    }

    private static void release(Connection c, UUID incident, List<Integer> seqs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE breach_notice SET status = 'PENDING', lease_until = NULL"
                + " WHERE incident_id = ? AND seq = ANY(?) AND status = 'SENDING'")) {
            ps.setObject(1, incident);
            ps.setArray(2, c.createArrayOf("integer", seqs.toArray()));
            ps.executeUpdate();
        }
    }

    /** An incident is COMPLETED once no notice is pending or being sent. */
    static void completeIfDone(Connection c, UUID incident, Instant now) throws SQLException {
        BreachStore.update(c, "UPDATE breach_incident SET status = 'COMPLETED', completed_at = ? WHERE id = ?"
                + " AND status = 'SENDING' AND NOT EXISTS (SELECT 1 FROM breach_notice WHERE incident_id = ?"
                + " AND status IN ('PENDING', 'SENDING'))", now, incident, incident);
    }

    private <T> T sql(Jdbc.Work<T> work) {
        return jdbc.inNewTransaction(work);
    }
}
