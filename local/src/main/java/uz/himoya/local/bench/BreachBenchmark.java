package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.exec;
import static uz.himoya.local.bench.Bench.loadAverage;
import static uz.himoya.local.bench.Bench.percentile;
import static uz.himoya.local.bench.Bench.queryLong;
import static uz.himoya.local.bench.Bench.queryString;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.narayana.NarayanaTransactionIntegration;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Variant;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.transaction.TransactionManager;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.JarURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import uz.himoya.breach.BreachMails;
import uz.himoya.breach.BreachResolveBench;
import uz.himoya.notice.MailGateway;
import uz.himoya.notice.RenderedMail;
import uz.himoya.notice.Templates;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Breach notifications at volume, each half beside the same work written by hand.
 *
 * <p><b>Part A, resolution</b> ({@link BreachResolveBenchmark}): 1,000,000 affected subjects read from the
 * app's own store, a second embedded PostgreSQL server, in keyset pages and copied into Himoya's notices,
 * beside a hand-written JDBC keyset loop plus COPY doing the same, with the peak heap of each.
 *
 * <p><b>Part B, sending.</b> N notices (default 100,000) to an SMTP sink on loopback. Himoya's side is
 * BreachNotifier's per-message work (see {@link BreachResolveBench.Notifier}): per queue message of 200
 * notices, find the incident, claim with UPDATE ... RETURNING, render once per language, send each with
 * MailGateway over the Vert.x mail client (configured with quarkus-mailer's defaults), mark each SENT in
 * its own JTA transaction (Narayana + Agroal, as in
 * Quarkus). One notifier per connection, each with its own mailer, pool and datasource, like one function
 * instance each. The baseline sends the same rendered messages with a bare Jakarta Mail (Angus) loop, one
 * Transport per connection, no database.
 *
 * <p>Usage: {@code bin/bench-breach [notices to send, default 100000] [subjects to resolve, default
 * 1000000] [connection counts, default 1,4] [measured send pairs, default 3]}. Always exits 0: it is a
 * measurement, not a test. A part whose two sides do not do the same work is reported as not measured.
 */
public final class BreachBenchmark {

    private static final String APP = "demo";
    /** A fixed key, so hashes are the same in every run. Benchmark only. */
    private static final String HASH_KEY = "5a1e0b3c".repeat(8);
    private static final long FIRST_ID = 100_000;
    private static final String[] LOCALES = {"uz", "ru", "ky", "en", "uz-Cyrl"};
    private static final Instant WINDOW_FROM = Instant.parse("2024-06-01T00:00:00Z");
    private static final Instant WINDOW_TO = Instant.parse("2024-06-02T00:00:00Z");
    private static final double GOAL = 1.50;
    /** himoya.breach.batch-size's default: notices per queue message. */
    private static final int BATCH = 200;
    /** quarkus.mailer.from in core's microprofile-config.properties. */
    private static final String FROM = "Himoya <no-reply@himoya.local>";
    private static final int A_MEASURED_PAIRS = 3;
    private static final int B_WARM_UP_MAX = 20_000;
    private static final int PROBE_MESSAGES = 5_000;

    private static final UUID B_INCIDENT = UUID.fromString("00000000-0000-4000-8000-0000000000b1");
    private static final UUID B_BASELINE = UUID.fromString("00000000-0000-4000-8000-0000000000b2");

    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });

    private static final String USAGE = "BreachBenchmark [notices] [subjects] [connections, e.g. 1,4] [send pairs]";

    private BreachBenchmark() {
    }

    public static void main(String[] args) {
        // Quarkus's log manager is on the classpath; without this it complains on stderr when first touched.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        try {
            int notices = Bench.arg(args, 0, 100_000, 0, "notices to send", USAGE);
            int subjects = Bench.arg(args, 1, 1_000_000, 0, "subjects to resolve", USAGE);
            List<Integer> connections = connections(args.length > 2 ? args[2] : "1,4");
            int sendPairs = Bench.arg(args, 3, 3, 0, "measured send pairs", USAGE);
            if (notices < 1 || subjects < 1 || sendPairs < 1) {
                throw new IllegalArgumentException("counts must be at least 1");
            }
            run(notices, subjects, connections, sendPairs);
        } catch (Throwable e) {
            System.out.println();
            System.out.println("[bench] FAILED: " + e);
            e.printStackTrace(System.out);
        } finally {
            try {
                EmbeddedDatabase.stop();
            } catch (RuntimeException e) {
                System.out.println("[bench] stopping PostgreSQL: " + e);
            }
        }
        // Helper threads (PostgreSQL, Vert.x, Narayana) must not keep the JVM up; the goal never sets the exit code.
        System.exit(0);
    }

    private static void run(int notices, int subjects, List<Integer> connections, int sendPairs) throws Exception {
        System.out.println("[bench] starting embedded PostgreSQL (Himoya's, and the demo app's store) ...");
        Bench.startHimoyaServer();
        Bench.startDemoStore();
        DataSource ds = EmbeddedDatabase.dataSource();
        try (Connection admin = ds.getConnection()) {
            List<String> migrations = migrate(admin);
            // The demo app's schema in its store compiles the map for part B's rendering; part A seeds and reads
            // the store itself.
            DemoStore.loadDemo();
            AppRegistry.CompiledApp app;
            try (Connection store = DemoStore.dataSource().getConnection()) {
                app = AppRegistry.compile(store, APP, HASH_KEY);
            }
            BreachResolveBench.insertIncident(admin, B_INCIDENT, APP, "bench: sending", WINDOW_FROM, WINDOW_TO,
                    Instant.now());

            header(admin, migrations);
            try {
                BreachResolveBenchmark.run(subjects, A_MEASURED_PAIRS);
            } catch (Exception | AssertionError e) {
                System.out.println();
                System.out.println("Part A NOT MEASURED: " + e);
                e.printStackTrace(System.out);
            } finally {
                DemoStore.stop();
            }
            partB(admin, app, notices, connections, sendPairs);
        }
    }

    // ---------------------------------------------------------------------------------------------- setup

    /** Himoya's tables without Flyway: every db/migration/V*.sql on the classpath, in version order. */
    private static List<String> migrate(Connection admin) throws IOException, SQLException {
        URL first = BreachBenchmark.class.getClassLoader().getResource("db/migration/V1__deletion.sql");
        if (first == null) {
            throw new IllegalStateException("db/migration/V1__deletion.sql is not on the classpath");
        }
        List<String> names = new ArrayList<>();
        if ("jar".equals(first.getProtocol())) {
            JarURLConnection jc = (JarURLConnection) first.openConnection();
            jc.setUseCaches(false);
            try (JarFile jar = jc.getJarFile()) {
                jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("db/migration/")).forEach(names::add);
            }
        } else {
            Path dir;
            try {
                dir = Path.of(first.toURI()).getParent();
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> names.add("db/migration/" + p.getFileName()));
            }
        }
        Pattern versioned = Pattern.compile("db/migration/V(\\d+)__[^/]+\\.sql");
        List<String> files = names.stream().filter(n -> versioned.matcher(n).matches())
                .sorted(Comparator.comparingInt(n -> {
                    Matcher m = versioned.matcher(n);
                    m.matches();
                    return Integer.parseInt(m.group(1));
                })).toList();
        for (String f : files) {
            try (InputStream in = BreachBenchmark.class.getClassLoader().getResourceAsStream(f)) {
                exec(admin, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        List<String> shortNames = files.stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).toList();
        System.out.println("[bench] migrations applied: " + String.join(", ", shortNames));
        return shortNames;
    }

    private static void header(Connection admin, List<String> migrations) throws SQLException {
        Bench.header("Himoya breach-notification benchmark: app 'demo'", loadAverage() + " (1/5/15 min, before part A;"
                + " the benchmark shares the machine with whatever else runs)");
        System.out.println("  postgresql    " + queryString(admin, "SHOW server_version") + " (embedded; fsync="
                + queryString(admin, "SHOW fsync") + ", synchronous_commit="
                + queryString(admin, "SHOW synchronous_commit") + ", shared_buffers="
                + queryString(admin, "SHOW shared_buffers") + ")");
        System.out.println("  schema        " + String.join(", ", migrations) + " (run as SQL, no Flyway)"
                + " + demo schema and seed");
        System.out.flush();
    }

    // --------------------------------------------------------------------------------------- part B

    /** One notice the baseline sends: the same address, language and number as Himoya's. */
    private record Notice(int seq, String address, String locale) {
    }

    private record SendRun(double seconds, long messages, long bytes, int connections) {
    }

    private static void partB(Connection admin, AppRegistry.CompiledApp app, int notices, List<Integer> connections,
            int pairs) throws Exception {
        Engine engine = Engine.builder().addDefaults()
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).build();
        BreachMails mails = new BreachMails(new Templates(engine));
        Map<String, RenderedMail> rendered = new LinkedHashMap<>();
        for (String l : LOCALES) {
            rendered.put(l, BreachResolveBench.render(mails, app, B_BASELINE, WINDOW_FROM, WINDOW_TO, l));
        }
        List<Notice> list = new ArrayList<>(notices);
        for (int i = 0; i < notices; i++) {
            long id = FIRST_ID + i;
            list.add(new Notice(i + 1, "u" + id + "@bench.example", LOCALES[(int) ((id - FIRST_ID) % 5)]));
        }

        // Narayana's object store (its transaction status record; one-phase commits write nothing else):
        // under local-data/bench/ like the other benchmarks' work files, emptied on every run.
        Path txDir = Path.of("local-data", "bench", "breach-narayana").toAbsolutePath();
        deleteTree(txDir);
        Files.createDirectories(txDir);
        TransactionManager tm = narayana(txDir);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        SmtpSink sink = new SmtpSink();
        try {
            System.out.println();
            System.out.printf("[bench] part B: sink probe, %,d messages per client and sink, 1 connection ...%n",
                    Math.min(PROBE_MESSAGES, notices));
            List<String> probe = probe(vertx, sink, rendered, list.subList(0, Math.min(PROBE_MESSAGES, notices)));

            System.out.println();
            System.out.printf("Part B: sending %,d notices to a local SMTP sink (loopback)%n", notices);
            System.out.println("  sink          minimal SMTP sink in this JVM (220/250/354/221, discards DATA, thread"
                    + " per connection, EHLO offers PIPELINING)");
            for (String p : probe) {
                System.out.println("  " + p);
            }
            System.out.println("  Himoya        BreachNotifier's steps per queue message of " + BATCH + " (find, claim"
                    + " UPDATE..RETURNING, render per language, MailGateway ->"
                    + " Vert.x mail client, mark SENT in its own JTA commit, completeIfDone); one notifier per"
                    + " connection, each with its own mailer + Agroal pool (Narayana JTA)");
            System.out.println("  baseline      bare Jakarta Mail (Angus) loop, one Transport per connection, same"
                    + " rendered subject/text/html, Message-ID and Auto-Submitted headers, no database");
            System.out.println("  rate limit    himoya.breach.rate-per-second set to 1e9 (never waits); at its default"
                    + " of 10 one notifier sends at most 10 notices/s whatever the client");
            System.out.flush();
            for (int n : connections) {
                try {
                    partBConnections(admin, app, mails, tm, vertx, sink, rendered, list, n, pairs);
                } catch (Exception e) {
                    // One stuck or failed run should not cost the other connection counts their tables.
                    System.out.println();
                    System.out.printf("Part B, %d SMTP connection(s): NOT MEASURED: %s%n", n, causes(e));
                    System.out.println("  sink state    " + sink.describe());
                    System.out.flush();
                }
            }
        } finally {
            sink.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            deleteTree(txDir);
        }
    }

    private static void partBConnections(Connection admin, AppRegistry.CompiledApp app, BreachMails mails,
            TransactionManager tm, io.vertx.core.Vertx vertx, SmtpSink sink, Map<String, RenderedMail> rendered,
            List<Notice> list, int conns, int pairs) throws Exception {
        int notices = list.size();
        BreachResolveBench.Breakdown breakdown = new BreachResolveBench.Breakdown();
        List<QuarkusMailer> mailers = new ArrayList<>();
        List<AgroalDataSource> pools = new ArrayList<>();
        List<BreachResolveBench.Notifier> notifiers = new ArrayList<>();
        ExecutorService workers = Executors.newFixedThreadPool(conns, r -> {
            Thread t = new Thread(r, "bench-sender");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < conns; i++) {
                QuarkusMailer m = new QuarkusMailer(vertx, sink.port());
                AgroalDataSource pool = agroal(tm);
                mailers.add(m);
                pools.add(pool);
                notifiers.add(new BreachResolveBench.Notifier(app, pool, tm, mails, m.gateway(), 1e9,
                        Duration.ofMinutes(5), breakdown));
            }
            System.out.println();
            int warm = Math.min(notices, B_WARM_UP_MAX);
            System.out.printf("[bench] part B, %d connection(s): warm-up pair of %,d notices, then %d measured ...%n",
                    conns, warm, pairs);
            // The warm-up pair sends fewer notices (at most B_WARM_UP_MAX); the time breakdown counts only the
            // measured runs, and the report describes the last pair's connections and message sizes.
            int[] pair = {0};
            SendRun[] last = new SendRun[2];
            Pairs.Runs runs = Pairs.measure(1, pairs, List.of(
                    new Pairs.Side("Himoya (notifier path)", "Himoya", () -> {
                        String label = pair[0] == 0 ? "warm-up Himoya x" + conns : "Himoya x" + conns + " pair "
                                + pair[0];
                        if (pair[0] > 0) {
                            breakdown.reset();
                        }
                        last[0] = sendHimoya(admin, sink, workers, notifiers, breakdown, pair[0] == 0 ? warm : notices,
                                label);
                        return new double[] {last[0].seconds()};
                    }),
                    new Pairs.Side("bare Jakarta Mail loop", "baseline", () -> {
                        String label = pair[0] == 0 ? "warm-up baseline x" + conns : "baseline x" + conns + " pair "
                                + pair[0];
                        last[1] = sendBaseline(sink, workers, rendered, pair[0] == 0 ? list.subList(0, warm) : list,
                                conns, label);
                        return new double[] {last[1].seconds()};
                    })), (i, figures) -> {
                        if (i >= 0) {
                            double h = figures[0][0];
                            double b = figures[1][0];
                            System.out.printf("[bench]   pair %d: Himoya %.1f s (%,.0f/s), baseline %.1f s (%,.0f/s)%n",
                                    i + 1, h, notices / h, b, notices / b);
                        }
                        pair[0]++;
                    });
            reportB(conns, notices, runs, last[0], last[1], breakdown);
        } finally {
            workers.shutdownNow();
            for (QuarkusMailer m : mailers) {
                m.close();
            }
            for (AgroalDataSource p : pools) {
                p.close();
            }
        }
    }

    /** Untimed reset: n PENDING notices (seq 1..n) for users FIRST_ID.., as the resolver would write them. */
    private static void resetSendingIncident(Connection admin, int n) throws SQLException {
        exec(admin, "DELETE FROM breach_notice WHERE incident_id = '" + B_INCIDENT + "'");
        exec(admin, """
                INSERT INTO breach_notice (incident_id, seq, subject_hash, address, address_hash, locale, status)
                SELECT '%1$s', (g - %2$d + 1)::int, sha256(convert_to('%3$s' || g::text, 'UTF8')),
                       'u' || g || '@bench.example', sha256(convert_to('%3$s' || 'u' || g || '@bench.example', 'UTF8')),
                       (ARRAY['uz', 'ru', 'ky', 'en', 'uz-Cyrl'])[1 + ((g - %2$d) %% 5)], 'PENDING'
                  FROM generate_series(%2$d, %4$d - 1) g""".formatted(B_INCIDENT, FIRST_ID, HASH_KEY, FIRST_ID + n));
        exec(admin, "UPDATE breach_incident SET status = 'SENDING', completed_at = NULL WHERE id = '" + B_INCIDENT
                + "'");
        exec(admin, "VACUUM ANALYZE breach_notice");
        exec(admin, "CHECKPOINT");
    }

    private static SendRun sendHimoya(Connection admin, SmtpSink sink, ExecutorService workers,
            List<BreachResolveBench.Notifier> notifiers, BreachResolveBench.Breakdown breakdown, int n, String label)
            throws Exception {
        resetSendingIncident(admin, n);
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
        for (int from = 1; from <= n; from += BATCH) {
            queue.add(BreachResolveBench.messageBody(B_INCIDENT, from, Math.min(n, from + BATCH - 1)));
        }
        AtomicLong sent = new AtomicLong();
        SmtpSink.Mark mark = sink.mark();
        long start = System.nanoTime();
        long[] lastSplit = {breakdown.send.sum(), breakdown.mark.sum()};
        var progress = progress(label, n, sink::messages, mark.messages(), start, sent0 -> {
            long send = breakdown.send.sum();
            long marks = breakdown.mark.sum();
            String d = String.format("; per notice, summed over notifiers: send %.0f us, mark SENT %.0f us",
                    (send - lastSplit[0]) / 1e3 / Math.max(1, sent0), (marks - lastSplit[1]) / 1e3 / Math.max(1, sent0));
            lastSplit[0] = send;
            lastSplit[1] = marks;
            return d;
        });
        SendRun r = run(progress, sink, mark, start, futures -> {
            for (BreachResolveBench.Notifier notifier : notifiers) {
                futures.add(workers.submit(() -> {
                    String body;
                    while ((body = queue.poll()) != null) {
                        sent.addAndGet(notifier.process(body));
                    }
                    return null;
                }));
            }
        });
        String status = queryString(admin, "SELECT status FROM breach_incident WHERE id = '" + B_INCIDENT + "'");
        long sentRows = queryLong(admin, "SELECT count(*) FROM breach_notice WHERE incident_id = '" + B_INCIDENT
                + "' AND status = 'SENT' AND address IS NULL AND sent_at IS NOT NULL");
        if (sent.get() != n || r.messages() != n || sentRows != n || !"COMPLETED".equals(status)) {
            throw new IllegalStateException(label + ": notifier sent " + sent.get() + ", sink received " + r.messages()
                    + ", " + sentRows + " notices SENT, incident " + status + "; expected " + n + " and COMPLETED");
        }
        return r;
    }

    private static SendRun sendBaseline(SmtpSink sink, ExecutorService workers, Map<String, RenderedMail> rendered,
            List<Notice> list, int conns, String label) throws Exception {
        Session session = jakartaSession(sink.port());
        AtomicInteger nextBatch = new AtomicInteger();
        int n = list.size();
        SmtpSink.Mark mark = sink.mark();
        long start = System.nanoTime();
        var progress = progress(label, n, sink::messages, mark.messages(), start);
        SendRun r = run(progress, sink, mark, start, futures -> {
            for (int w = 0; w < conns; w++) {
                futures.add(workers.submit(() -> {
                    Transport t = session.getTransport("smtp");
                    t.connect();
                    try {
                        int batch;
                        while ((batch = nextBatch.getAndIncrement()) * BATCH < n) {
                            for (int i = batch * BATCH; i < Math.min(n, (batch + 1) * BATCH); i++) {
                                Notice notice = list.get(i);
                                MimeMessage m = jakartaMessage(session, notice.address(),
                                        rendered.get(notice.locale()), B_BASELINE, notice.seq());
                                t.sendMessage(m, m.getAllRecipients());
                            }
                        }
                    } finally {
                        t.close();
                    }
                    return null;
                }));
            }
        });
        if (r.messages() != n) {
            throw new IllegalStateException(label + ": the sink received " + r.messages() + " of " + n);
        }
        return r;
    }

    /** Starts sending workers, each adding its Future. */
    @FunctionalInterface
    private interface Workers {
        void start(List<Future<?>> futures) throws Exception;
    }

    /**
     * Starts the sending workers and waits for every one (the first failure is thrown), stops the progress
     * lines in any case, and returns what the sink received since the mark.
     */
    private static SendRun run(java.util.concurrent.ScheduledFuture<?> progress, SmtpSink sink, SmtpSink.Mark mark,
            long start, Workers workers) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        try {
            workers.start(futures);
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            progress.cancel(false);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new SendRun(seconds, sink.messages() - mark.messages(), sink.bytes() - mark.bytes(),
                sink.connectionsUsedSince(mark));
    }

    private static Session jakartaSession(int port) {
        return jakartaSession(port, true);
    }

    /**
     * A plain Jakarta Mail session. With noDelay, sockets come with TCP_NODELAY, as Vert.x's (Netty's) do by
     * default: without it, Nagle's algorithm holds the end of every message until the server's delayed ACK
     * (40 ms on Linux), which would measure the TCP stack instead of the client.
     */
    private static Session jakartaSession(int port, boolean noDelay) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "60000");
        if (noDelay) {
            p.put("mail.smtp.socketFactory", new NoDelaySocketFactory());
            p.put("mail.smtp.socketFactory.fallback", "false");
        }
        return Session.getInstance(p);
    }

    /** Plain sockets with TCP_NODELAY. */
    private static final class NoDelaySocketFactory extends javax.net.SocketFactory {
        private static Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }
    }

    /** What quarkus-mailer's Mail.withHtml(..).setText(..) plus MailGateway's headers make, by hand. */
    private static MimeMessage jakartaMessage(Session session, String to, RenderedMail r, UUID incident, int seq)
            throws MessagingException {
        String messageId = "<breach-" + incident + "-" + seq + "@himoya>";
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(new InternetAddress(FROM));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(r.subject(), "UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(r.text(), "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(r.html(), "UTF-8", "html");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        m.setHeader("Auto-Submitted", "auto-generated");
        m.saveChanges();
        return m;
    }

    /**
     * Which sink to use: both clients, 1 connection, against GreenMail and against the minimal sink. If
     * GreenMail's storing dominates, it would hide the clients' difference.
     */
    private static List<String> probe(io.vertx.core.Vertx vertx, SmtpSink sink, Map<String, RenderedMail> rendered,
            List<Notice> list) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        List<String> out = new ArrayList<>();
        try {
            double[] gm = probeBoth(vertx, port, rendered, list);
            double[] ms = probeBoth(vertx, sink.port(), rendered, list);
            out.add(String.format("sink probe    %,d messages, 1 connection, no database; messages/s:", list.size()));
            out.add(String.format("  %-24s %14s %14s %20s", "", "quarkus-mailer", "Jakarta Mail", "Jakarta, Nagle on"));
            out.add(String.format("  %-24s %,14.0f %,14.0f %,20.0f", "GreenMail 2.1.13", list.size() / gm[0],
                    list.size() / gm[1], list.size() / gm[2]));
            out.add(String.format("  %-24s %,14.0f %,14.0f %,20.0f", "minimal sink", list.size() / ms[0],
                    list.size() / ms[1], list.size() / ms[2]));
            boolean greenMailSlower = gm[0] > ms[0] * 1.2 || gm[1] > ms[1] * 1.2;
            out.add("  -> the minimal sink is used" + (greenMailSlower
                    ? ": GreenMail (parsing and storing every message) is the slower server, a cost both sides would"
                            + " share that hides the clients' difference"
                    : " (GreenMail is not measurably slower here, but keeps every message in memory)")
                    + "; the baseline's sockets get TCP_NODELAY, as Vert.x's have by default (\"Nagle on\": Jakarta"
                    + " Mail's default socket, timed over 200 messages)");
        } finally {
            greenMail.stop();
        }
        return out;
    }

    /** Seconds for the list through quarkus-mailer's Mailer (no database) and through Jakarta Mail. */
    private static double[] probeBoth(io.vertx.core.Vertx vertx, int port, Map<String, RenderedMail> rendered,
            List<Notice> list) throws Exception {
        double vertxSeconds;
        try (QuarkusMailer m = new QuarkusMailer(vertx, port)) {
            long start = System.nanoTime();
            for (Notice n : list) {
                m.gateway().send(n.address(), BreachMails.forNotice(rendered.get(n.locale()), B_BASELINE, n.seq()));
            }
            vertxSeconds = (System.nanoTime() - start) / 1e9;
        }
        double jakartaSeconds = jakartaLoop(jakartaSession(port, true), rendered, list);
        // Nagle on: a few hundred messages are enough to see the delayed-ACK stall.
        List<Notice> few = list.subList(0, Math.min(list.size(), 200));
        double naglePerMessage = jakartaLoop(jakartaSession(port, false), rendered, few) / few.size();
        return new double[] {vertxSeconds, jakartaSeconds, naglePerMessage * list.size()};
    }

    private static double jakartaLoop(Session session, Map<String, RenderedMail> rendered, List<Notice> list)
            throws MessagingException {
        long start = System.nanoTime();
        Transport t = session.getTransport("smtp");
        t.connect();
        try {
            for (Notice n : list) {
                MimeMessage msg = jakartaMessage(session, n.address(), rendered.get(n.locale()), B_BASELINE, n.seq());
                t.sendMessage(msg, msg.getAllRecipients());
            }
        } finally {
            t.close();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void reportB(int conns, int notices, Pairs.Runs runs, SendRun lastH, SendRun lastB,
            BreachResolveBench.Breakdown breakdown) {
        System.out.println();
        System.out.printf("Part B, %d SMTP connection(s): %,d notices per run%n", conns, notices);
        System.out.printf("  rounds        1 warm-up pair of %,d (not counted), %d measured pair(s), alternating"
                + " Himoya/baseline; notices reset PENDING + VACUUM + CHECKPOINT before each Himoya run%n",
                Math.min(notices, B_WARM_UP_MAX), runs.measured());
        System.out.printf("  check         every run: the sink got %,d messages; Himoya: %,d notices SENT with the"
                + " address dropped, incident COMPLETED%n", notices, notices);
        System.out.printf("  connections   carrying mail in the last run: Himoya %d, baseline %d; avg message %,d"
                + " bytes (Himoya) / %,d (baseline) as received%n", lastH.connections(), lastB.connections(),
                lastH.bytes() / Math.max(1, lastH.messages()), lastB.bytes() / Math.max(1, lastB.messages()));
        System.out.println("  load average  " + runs.load() + " (start -> end of this table's runs)");
        System.out.println();
        Pairs.Table t = runs.table(34, Pairs.Column.percentileOf("median s", 10, "%.2f", 0, 50),
                Pairs.Column.minOf("min s", 10, "%.2f", 0), Pairs.Column.maxOf("max s", 10, "%.2f", 0),
                new Pairs.Column("notices/s", 12, "%,.0f", r -> notices / percentile(r[0], 50)));
        double ratio = runs.ratio(0, 1, 0);
        t.line("ratio Himoya/baseline (time)", ratio);
        Pairs.goal(GOAL, ratio);
        runs.listing("s", "%.1f");
        Map<String, Long> split = breakdown.asMap();
        long total = split.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : split.entrySet()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                    .append(String.format("%.0f%%", 100.0 * e.getValue() / Math.max(1, total)))
                    .append(String.format(" (%.0f us/notice)", e.getValue() / 1e3 / notices / 1.0));
        }
        System.out.println("  Himoya's time, summed over notifiers, last run: " + sb);
        System.out.flush();
    }

    private static java.util.concurrent.ScheduledFuture<?> progress(String label, int n, LongSupplier count,
            long base, long start) {
        return progress(label, n, count, base, start, null);
    }

    /** Every 15 s: notices sent so far, and the rate overall and in the last interval (plus detail, if any). */
    private static java.util.concurrent.ScheduledFuture<?> progress(String label, int n, LongSupplier count,
            long base, long start, java.util.function.LongFunction<String> detail) {
        long[] last = {base, start};
        return TICKER.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long count0 = count.getAsLong();
            long done = count0 - base;
            System.out.printf("[bench]     %s: %,d / %,d sent (%,.0f/s overall, %,.0f/s last interval%s)%n", label, done,
                    n, done / ((now - start) / 1e9), (count0 - last[0]) / ((now - last[1]) / 1e9),
                    detail == null ? "" : detail.apply(count0 - last[0]));
            System.out.flush();
            last[0] = count0;
            last[1] = now;
        }, 15, 15, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------- the pieces Quarkus wires

    /** Narayana as Quarkus runs it, with its object store in a temporary directory. */
    private static TransactionManager narayana(Path dir) {
        for (String name : new String[] {null, "communicationStore", "stateStore"}) {
            ObjectStoreEnvironmentBean bean = name == null
                    ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                    : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name);
            bean.setObjectStoreDir(dir.toString());
        }
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /** Agroal with Quarkus's settings from core (max-size 4, min-size 0, 5 s acquisition), enlisted in JTA. */
    private static AgroalDataSource agroal(TransactionManager tm) throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(false)
                .connectionPoolConfiguration(cp -> cp.maxSize(4).minSize(0)
                        .acquisitionTimeout(Duration.ofSeconds(5))
                        .transactionIntegration(new NarayanaTransactionIntegration(tm,
                                new TransactionSynchronizationRegistryImple()))
                        .connectionFactoryConfiguration(cf -> cf.connectionProviderClass(org.postgresql.Driver.class)
                                .jdbcUrl(EmbeddedDatabase.jdbcUrl()).principal(new NamePrincipal("postgres")))));
    }

    /**
     * MailGateway over a Vert.x MailClient configured as quarkus-mailer's
     * Mailers.toVertxMailConfig does with the defaults (keep-alive, max-pool-size 10, pipelining, pool
     * cleaner 1 s, keep-alive timeout 300 s, 60 s send timeout) and the local profile's start-tls=DISABLED.
     * The implementation classes' constructors are package-private, so they are called reflectively.
     */
    private static final class QuarkusMailer implements AutoCloseable {
        private final MailClient client;
        private final MailGateway gateway;

        QuarkusMailer(io.vertx.core.Vertx vertx, int port) throws ReflectiveOperationException {
            MailConfig cfg = new MailConfig()
                    .setDisableEsmtp(false)
                    .setHostname("127.0.0.1")
                    .setKeepAlive(true)
                    .setLogin(LoginOption.valueOf("NONE"))
                    .setMaxPoolSize(10)
                    .setPort(port)
                    .setStarttls(StartTLSOptions.DISABLED)
                    .setMultiPartOnly(false)
                    .setAllowRcptErrors(false)
                    .setPipelining(true)
                    .setPoolCleanerPeriod(1000)
                    .setPoolCleanerPeriodUnit(TimeUnit.MILLISECONDS)
                    .setKeepAliveTimeout(300_000)
                    .setKeepAliveTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setSsl(false)
                    .setMetricsName("mail");
            client = MailClient.create(vertx, cfg);
            // MailGateway drives the Vert.x client itself (no quarkus-mailer Mail: it wrote an empty Cc).
            gateway = new MailGateway(io.vertx.mutiny.ext.mail.MailClient.newInstance(client), FROM);
        }

        MailGateway gateway() {
            return gateway;
        }

        @Override
        public void close() {
            try {
                client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("[bench] closing a mail client: " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------------- SMTP sink

    /**
     * The smallest SMTP server both clients accept: 220 greeting, 250 to EHLO (offering PIPELINING, as
     * production providers do), MAIL, RCPT, RSET and NOOP, 354 then 250 around DATA, 221 to QUIT. DATA is
     * counted and thrown away. One thread per connection; replies are flushed only when no more pipelined
     * commands are waiting. Loopback only.
     */
    static final class SmtpSink implements AutoCloseable {
        record Mark(long messages, long bytes, int run) {
        }

        private final ServerSocket server;
        private final AtomicLong messages = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicInteger run = new AtomicInteger();
        /** Per run id: how many connections carried at least one message. */
        private final Map<Integer, AtomicInteger> used = new ConcurrentHashMap<>();
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        /** Per open connection: the last command verb received and when (for diagnosing a stuck client). */
        private final Map<Socket, String> state = new ConcurrentHashMap<>();
        private volatile boolean closed;

        SmtpSink() throws IOException {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "smtp-sink-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        long messages() {
            return messages.get();
        }

        long bytes() {
            return bytes.get();
        }

        /** Open connections and the last command each received, e.g. "3 open: RSET 61.2 s ago, ...". */
        String describe() {
            long now = System.nanoTime();
            List<String> parts = new ArrayList<>();
            for (String v : state.values()) {
                int at = v.indexOf('@');
                parts.add(String.format("%s %.1f s ago", v.substring(0, at),
                        (now - Long.parseLong(v.substring(at + 1))) / 1e9));
            }
            return open.size() + " connection(s) open; last command per connection: "
                    + (parts.isEmpty() ? "none" : String.join(", ", parts)) + "; " + messages.get()
                    + " messages received in all";
        }

        /** Starts a new run for connection counting. */
        Mark mark() {
            int r = run.incrementAndGet();
            used.put(r, new AtomicInteger());
            return new Mark(messages.get(), bytes.get(), r);
        }

        int connectionsUsedSince(Mark m) {
            return used.get(m.run()).get();
        }

        private void acceptLoop() {
            while (!closed) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "smtp-sink-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    if (!closed) {
                        System.out.println("[bench] sink accept: " + e);
                    }
                }
            }
        }

        private void serve(Socket s) {
            int lastRun = -1;
            try (s; InputStream in = s.getInputStream();
                    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192)) {
                Reader r = new Reader(in, out);
                out.write("220 sink.localhost ESMTP bench sink\r\n".getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = r.line()) != null) {
                    String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase();
                    state.put(s, verb + "@" + System.nanoTime());
                    switch (verb) {
                        case "EHLO" -> reply(out, "250-sink.localhost\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n");
                        case "HELO" -> reply(out, "250 sink.localhost\r\n");
                        case "DATA" -> {
                            reply(out, "354 end with <CRLF>.<CRLF>\r\n");
                            out.flush();
                            long n = r.data();
                            if (n < 0) {
                                return;
                            }
                            bytes.addAndGet(n);
                            messages.incrementAndGet();
                            int current = run.get();
                            if (current != lastRun) {
                                lastRun = current;
                                AtomicInteger u = used.get(current);
                                if (u != null) {
                                    u.incrementAndGet();
                                }
                            }
                            reply(out, "250 OK queued\r\n");
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye\r\n");
                            out.flush();
                            return;
                        }
                        default -> reply(out, "250 OK\r\n");
                    }
                }
            } catch (IOException e) {
                // the client went away; nothing to keep
            } finally {
                open.remove(s);
                state.remove(s);
            }
        }

        private static void reply(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void close() {
            closed = true;
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        /** Buffered reading that flushes the replies before it would block. */
        private static final class Reader {
            private final InputStream in;
            private final OutputStream out;
            private final byte[] buf = new byte[65536];
            private int pos;
            private int lim;

            Reader(InputStream in, OutputStream out) {
                this.in = in;
                this.out = out;
            }

            private boolean fill() throws IOException {
                if (in.available() == 0) {
                    out.flush();
                }
                int n = in.read(buf);
                if (n <= 0) {
                    return false;
                }
                pos = 0;
                lim = n;
                return true;
            }

            /** A command line without CRLF, or null at end of stream. */
            String line() throws IOException {
                StringBuilder sb = new StringBuilder(64);
                while (true) {
                    if (pos == lim && !fill()) {
                        return null;
                    }
                    byte c = buf[pos++];
                    if (c == '\n') {
                        int len = sb.length();
                        if (len > 0 && sb.charAt(len - 1) == '\r') {
                            sb.setLength(len - 1);
                        }
                        return sb.toString();
                    }
                    sb.append((char) (c & 0xff));
                }
            }

            /** Skips the message up to the lone "." line; returns its bytes, or -1 at end of stream. */
            long data() throws IOException {
                long count = 0;
                int state = 0; // 0 line start, 1 "." at line start, 2 ".\r", 3 inside a line
                while (true) {
                    if (pos == lim && !fill()) {
                        return -1;
                    }
                    byte c = buf[pos++];
                    count++;
                    switch (state) {
                        case 0 -> state = c == '.' ? 1 : c == '\n' ? 0 : 3;
                        case 1 -> {
                            if (c == '\n') {
                                return count;
                            }
                            state = c == '\r' ? 2 : 3;
                        }
                        case 2 -> {
                            if (c == '\n') {
                                return count;
                            }
                            state = 3;
                        }
                        default -> state = c == '\n' ? 0 : 3;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.ExecutionException) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : " <- ").append(t.getClass().getName())
                    .append(t.getMessage() == null ? "" : ": " + t.getMessage());
            if (t.getStackTrace().length > 0 && t.getCause() == null) {
                for (StackTraceElement el : t.getStackTrace()) {
                    if (el.getClassName().startsWith("uz.himoya")) {
                        sb.append(" at ").append(el);
                        break;
                    }
                }
            }
        }
        return sb.toString();
    }

    private static List<Integer> connections(String s) {
        try {
            List<Integer> out = Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
            if (out.isEmpty() || out.stream().anyMatch(n -> n < 1 || n > 64)) {
                throw new NumberFormatException();
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("connection counts are a comma-separated list of 1..64, got '" + s + "'");
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up
        }
    }

}
