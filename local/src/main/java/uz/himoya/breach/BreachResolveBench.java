package uz.himoya.breach;

import jakarta.transaction.TransactionManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import uz.himoya.notice.MailGateway;
import uz.himoya.notice.RenderedMail;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;

/**
 * The benchmark's way into Himoya's package-private breach code (BreachResolver, BreachStore, RateLimiter,
 * BreachNotifier's claim, mark and completeIfDone): this class lives in the local module but in package uz.himoya.breach, so
 * on the classpath it sees them without any change to main code. Used by
 * {@link uz.himoya.local.bench.BreachBenchmark}; never deployed.
 *
 * <p>It holds the Himoya side of both parts: the resolution (BreachResolver itself, unchanged; used by
 * {@link uz.himoya.local.bench.BreachResolveBenchmark}) and a
 * stand-in for BreachNotifier's per-message work. BreachNotifier cannot be constructed without a Quarkus
 * application (its transactions go through QuarkusTransaction, which needs the Arc container), so
 * {@link Notifier#process} repeats its {@code process} step by step around BreachNotifier's own
 * statements (claim, mark, completeIfDone) and everything else Himoya's own: BreachStore, BreachMails,
 * RateLimiter, MailGateway over the Vert.x mail client quarkus-mailer configures.
 */
public final class BreachResolveBench {
    /** Seals and opens notice addresses as the functions do (a fixed key: nothing here is kept). */
    static final uz.himoya.crypto.Secrets SECRETS = new uz.himoya.crypto.Secrets(
            java.util.Base64.getEncoder().encodeToString(new byte[32]), new java.security.SecureRandom());

    /** The selector the benchmark resolves: demo.yaml's "access-logs" (access_logs.accessed_at). */
    public static final String SELECTOR = "access-logs";

    /** Categories the notices name. */
    public static final List<String> CATEGORIES = List.of("contact.email", "network.ip", "behaviour.pages");

    /** Notice content in every language of the demo app, as ops would register it. */
    public static final Map<String, BreachCommand.NoticeContent> CONTENT = content();

    private BreachResolveBench() {
    }

    private static Map<String, BreachCommand.NoticeContent> content() {
        Map<String, BreachCommand.NoticeContent> m = new LinkedHashMap<>();
        m.put("uz", new BreachCommand.NoticeContent("Kirish jurnallari ruxsatsiz nusxalandi.",
                "Elektron pochta manzilingiz fishing xatlarida ishlatilishi mumkin.",
                "Kirish kalitlari almashtirildi, jurnal saqlash muddati qisqartirildi.", "privacy@demo.example"));
        m.put("uz-Cyrl", new BreachCommand.NoticeContent("Кириш журналлари рухсатсиз нусхаланди.",
                "Электрон почта манзилингиз фишинг хатларида ишлатилиши мумкин.",
                "Кириш калитлари алмаштирилди.", "privacy@demo.example"));
        m.put("ru", new BreachCommand.NoticeContent("Журналы доступа были скопированы без разрешения.",
                "Ваш адрес может использоваться в фишинговых письмах.",
                "Ключи доступа заменены, срок хранения журналов сокращён.", "privacy@demo.example"));
        m.put("ky", new BreachCommand.NoticeContent("Кирүү журналдары уруксатсыз көчүрүлдү.",
                "Электрондук почтаңыз фишинг каттарында колдонулушу мүмкүн.",
                "Кирүү ачкычтары алмаштырылды.", "privacy@demo.example"));
        m.put("en", new BreachCommand.NoticeContent("Access logs were copied without authorisation.",
                "Your address may be used in phishing mails.",
                "Access keys were rotated and log retention was shortened.", "privacy@demo.example"));
        return m;
    }

    /** Registers an incident as BreachService does (status SENDING), without resolving anything. */
    public static void insertIncident(Connection c, UUID id, String appId, String title, Instant windowFrom,
            Instant windowTo, Instant now) throws SQLException {
        BreachStore.insert(c, new BreachStore.Row(id, appId, title, windowFrom, windowFrom, windowTo, CATEGORIES,
                CONTENT, new LinkedHashMap<>(Map.of("kind", "selector", "selector", SELECTOR)), "SENDING", now,
                now, now, null, null, null, 0));
    }

    /** Subjects per page of Himoya's resolution (BreachResolver.PAGE_SIZE), which the baseline uses too. */
    public static final int PAGE_SIZE = BreachResolver.PAGE_SIZE;

    /**
     * Himoya's resolution, as BreachService.register runs it: the selector's subjects read from the app's
     * store (the implementation BreachResolver picks for the store's kind) in keyset pages, copied into
     * breach_notice on the caller's transaction of Himoya's database, numbering from the incident's highest
     * seq. Returns the notices added.
     */
    public static int resolve(Connection himoya, Connection store, AppRegistry.CompiledApp app, UUID incident,
            Instant from, Instant to, String hashKey) throws SQLException {
        PrivacyMap map = app.map();
        return BreachResolver.resolve(himoya, incident, store, map,
                BreachResolver.affectedSubjects(map, app.catalogues().get(map.subject().store())),
                BreachResolver.selection(map, new BreachCommand.Selector(SELECTOR), from, to), hashKey,
                SECRETS::encrypt, PAGE_SIZE)
                .added();
    }

    /** Each language's mail as the notifier renders it (BreachMails.render), keyed by notice locale. */
    public static RenderedMail render(BreachMails mails, AppRegistry.CompiledApp app, UUID incident, Instant from,
            Instant to, String locale) {
        BreachMails.Incident data = new BreachMails.Incident(incident, from, from, to, CATEGORIES, CONTENT);
        return BreachMails.forNotice(mails.render(app.app(), data,
                BreachMails.localeFor(locale, app.app(), CONTENT)), incident, 0);
    }

    /** One queue message body, as BreachQueue writes it. */
    public static String messageBody(UUID incident, int fromSeq, int toSeq) {
        return BreachMessage.body(incident, fromSeq, toSeq, 0);
    }

    /** Where a notifier's time goes, summed over every message it processed (nanoseconds). */
    public static final class Breakdown {
        public final LongAdder find = new LongAdder();
        public final LongAdder claim = new LongAdder();
        public final LongAdder render = new LongAdder();
        public final LongAdder send = new LongAdder();
        public final LongAdder mark = new LongAdder();
        public final LongAdder complete = new LongAdder();

        public void reset() {
            for (LongAdder a : List.of(find, claim, render, send, mark, complete)) {
                a.reset();
            }
        }

        public Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("smtp send (MailGateway)", send.sum());
            m.put("mark SENT, own commit", mark.sum());
            m.put("claim (UPDATE .. RETURNING)", claim.sum());
            m.put("find incident", find.sum());
            m.put("completeIfDone", complete.sum());
            m.put("render (once per locale)", render.sum());
            return m;
        }
    }

    /**
     * One notifier instance, as one function instance holds it: its own datasource (Agroal, enlisted in
     * Narayana JTA like Quarkus's), its own MailGateway (and so its own SMTP connection pool) and its own
     * rate limiter. {@link #process} is BreachNotifier.process without the outage and permanent-failure
     * branches, which a benchmark against a sink that accepts everything never takes: an SMTP failure here
     * throws, so the benchmark stops instead of measuring something else.
     */
    public static final class Notifier {
        private final AppRegistry.CompiledApp app;
        private final DataSource dataSource;
        private final TransactionManager tm;
        private final Clock clock = Clock.systemUTC();
        private final BreachMails mails;
        private final MailGateway gateway;
        private final Duration lease;
        private final RateLimiter limiter;
        private final Breakdown breakdown;

        public Notifier(AppRegistry.CompiledApp app, DataSource dataSource, TransactionManager tm, BreachMails mails,
                MailGateway gateway, double ratePerSecond, Duration lease, Breakdown breakdown) {
            this.app = app;
            this.dataSource = dataSource;
            this.tm = tm;
            this.mails = mails;
            this.gateway = gateway;
            this.lease = lease;
            this.limiter = RateLimiter.realTime(ratePerSecond);
            this.breakdown = breakdown;
        }

        /** BreachNotifier.processBatch for one message: parse, process; returns the notices sent. */
        public int process(String body) {
            BreachMessage msg = BreachMessage.parse(body).orElseThrow(
                    () -> new IllegalStateException("not a breach message: " + body));
            return process(msg);
        }

        private int process(BreachMessage msg) {
            long t0 = System.nanoTime();
            Optional<BreachStore.Row> incident = sql(c -> BreachStore.find(c, msg.incident(), false));
            long t1 = System.nanoTime();
            breakdown.find.add(t1 - t0);
            if (incident.isEmpty()) {
                throw new IllegalStateException("breach " + msg.incident() + " unknown");
            }
            BreachMails.Incident data = new BreachMails.Incident(msg.incident(), incident.get().discoveredAt(),
                    incident.get().windowFrom(), incident.get().windowTo(), incident.get().categories(),
                    incident.get().content());
            List<BreachNotifier.Claimed> claimed = sql(c -> BreachNotifier.claim(c, msg, clock.instant(), lease,
                    SECRETS::decrypt));
            long t2 = System.nanoTime();
            breakdown.claim.add(t2 - t1);
            Map<String, RenderedMail> rendered = new HashMap<>();
            int sent = 0;
            for (BreachNotifier.Claimed n : claimed) {
                long a = System.nanoTime();
                String locale = BreachMails.localeFor(n.locale(), app.app(), data.content());
                RenderedMail mail = BreachMails.forNotice(rendered.computeIfAbsent(locale,
                        l -> mails.render(app.app(), data, l)), msg.incident(), n.seq());
                limiter.acquire();
                long b = System.nanoTime();
                gateway.send(n.address(), mail);
                long d = System.nanoTime();
                sql(c -> {
                    BreachNotifier.mark(c, msg.incident(), n.seq(), "SENT", null, locale, clock.instant());
                    return null;
                });
                long e = System.nanoTime();
                breakdown.render.add(b - a);
                breakdown.send.add(d - b);
                breakdown.mark.add(e - d);
                sent++;
            }
            long t3 = System.nanoTime();
            sql(c -> {
                BreachNotifier.completeIfDone(c, msg.incident(), clock.instant());
                return null;
            });
            breakdown.complete.add(System.nanoTime() - t3);
            return sent;
        }

        @FunctionalInterface
        private interface SqlWork<T> {
            T run(Connection c) throws SQLException;
        }

        /**
         * BreachNotifier.sql: QuarkusTransaction.requiringNew() around a connection from the datasource. Here
         * the same Narayana transaction manager begins and commits, and Agroal enlists the connection.
         */
        private <T> T sql(SqlWork<T> work) {
            try {
                tm.begin();
            } catch (Exception e) {
                throw new IllegalStateException("cannot begin a transaction", e);
            }
            T result;
            try (Connection c = dataSource.getConnection()) {
                result = work.run(c);
            } catch (SQLException | RuntimeException e) {
                rollback();
                throw new IllegalStateException("database error " + (e instanceof SQLException s ? s.getSQLState()
                        : e.getClass().getSimpleName()), e);
            }
            try {
                tm.commit();
            } catch (Exception e) {
                throw new IllegalStateException("commit failed", e);
            }
            return result;
        }

        private void rollback() {
            try {
                tm.rollback();
            } catch (Exception ignored) {
                // the original failure is what matters
            }
        }
    }
}
