package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.cpuModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import uz.himoya.local.DemoSystem;
import uz.himoya.local.LocalCloud;
import uz.himoya.local.LocalLambda;
import uz.himoya.local.LocalServices;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Cold starts of Himoya's functions against the floor of a bare Java handler (issue "cold starts close to a
 * bare Java handler"). Each function is started as Lambda starts it (its zip as the task root, AWS's
 * runtime interface client, Lambda's JVM flags, 512 MB), receives ONE event that does the real work, and is
 * measured from process spawn to its first response; its peak RSS (VmHWM) is read right after. The
 * functions take turns (echo, http, worker, echo, ...) so machine noise hits all of them alike.
 *
 * <pre>
 * bin/bench-coldstart [runs] [--aot] [--prop key=value]... [--jvm flag]...
 * </pre>
 *
 * runs: cold starts per function (default 5). --aot: also measure with a JDK AOT cache (JEP 483/514) made
 * by one training run per function. Experiments: --prop adds a system property to the Quarkus functions
 * (e.g. --prop quarkus.flyway.migrate-at-start=false), --jvm adds a JVM flag to every function (e.g. --jvm
 * -XX:+UseSerialGC); each function they change then runs twice per round, as deployed and as "+exp", so
 * both meet the same machine noise. The warm set-up instance always keeps the deployed settings. Always
 * exits 0: a failed run is reported in the output.
 */
public final class ColdStartBenchmark {
    static final int MEMORY_MB = 512;
    static final double MAX_RATIO = 3.0;
    static final long MAX_RSS_MB = 256;
    static final Duration TIMEOUT = Duration.ofSeconds(180);
    static final int SQS_PORT = 9324;
    static final String DEMO_KEY = LocalCloud.DEMO_KEY;
    /** A fixed secret for local runs only (LocalCloud's); never use it anywhere else. */
    static final String LOCAL_SECRET = "bG9jYWwtcnVuLW9ubHktc2VjcmV0LWxvY2FsLXJ1bi1vbmx5";
    /** The demo user the worker erases in every round (the demo data is reloaded before each). */
    static final String WORKER_SUBJECT = "1002";
    /** The demo user the measured intake files a request for (Himoya's tables are cleared before each). */
    static final String INTAKE_SUBJECT = "1004";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Every function process still running, stopped by the shutdown hook if the benchmark dies. */
    private static final Set<LocalLambda> RUNNING = ConcurrentHashMap.newKeySet();

    /** What one measured function is: how it starts, what it is sent, and how its answer is checked. */
    record FunctionSpec(String name, Path taskRoot, String handler, Map<String, String> env,
            Map<String, String> properties, List<String> jvmFlags, EventSource event, Check check) {

        /** The same function with an experiment's system properties and JVM flags: its "+exp" twin. */
        FunctionSpec twin(Map<String, String> props, List<String> flags) {
            return new FunctionSpec(name + " +exp", taskRoot, handler, env, with(properties, props), flags, event,
                    check);
        }
    }

    /** Prepares the world for one cold start and returns the event to send. */
    @FunctionalInterface
    interface EventSource {
        Prepared prepare() throws Exception;
    }

    /** The event, and what the check needs to know about it (e.g. the request id the worker works on). */
    record Prepared(String event, String expect) {
    }

    /** Throws if the function's answer or its effect is not what the real work should have produced. */
    @FunctionalInterface
    interface Check {
        void verify(String response, Prepared prepared) throws Exception;
    }

    /**
     * One cold start: spawn to first response, peak RSS (VmHWM) and the anonymous / file-backed parts of the
     * RSS at the response; for Quarkus, where the time went: spawn until Quarkus' boot began (JVM, runtime
     * interface client, loading the handler), Quarkus' own "started in", and from then to the response.
     */
    record Sample(double ms, long hwmKb, long rssAnonKb, long rssFileKb, Double quarkusStartedS,
            Double beforeQuarkusMs, Double afterStartedMs) {
    }

    /** The runs of one function in one mode. */
    static final class Series {
        final List<Sample> samples = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
    }

    private final Path root;
    private final Path work;
    private final String runtimeClasspath;
    private final Map<String, String> experiment;
    private final List<String> experimentJvmFlags;
    /** --lazy-pages: restore memory on first touch (userfaultfd) instead of all of it before the process runs. */
    private boolean lazyPages;
    private SqsClient sqs;
    private BreachBenchmark.SmtpSink smtp;
    /** Mails the SMTP sink had received when the worker's event was prepared. */
    private long mailsBeforeWorker;
    private String erasureQueue;
    private LocalLambda setup;
    private Path httpRoot;
    private Path functionsRoot;
    private Map<String, String> common;

    private ColdStartBenchmark(Path root, Map<String, String> experiment, List<String> jvmFlags) throws IOException {
        this.root = root;
        this.work = root.resolve("local-data/bench");
        this.runtimeClasspath = Files.readString(root.resolve("local/target/runtime-classpath.txt")).trim();
        this.experiment = experiment;
        this.experimentJvmFlags = jvmFlags;
    }

    public static void main(String[] args) {
        Path root = Path.of(".");
        int runs = 5;
        boolean aot = false;
        boolean snapStart = false;
        boolean lazy = false;
        Map<String, String> experiment = new TreeMap<>();
        List<String> jvmFlags = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--aot")) {
                    aot = true;
                } else if (a.equals("--snapstart")) {
                    snapStart = true;
                } else if (a.equals("--lazy-pages")) {
                    snapStart = true;
                    lazy = true;
                } else if (a.equals("--prop") && i + 1 < args.length) {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    experiment.put(kv.substring(0, eq), kv.substring(eq + 1));
                } else if (a.equals("--jvm") && i + 1 < args.length) {
                    jvmFlags.add(args[++i]);
                } else if (a.matches("\\d+")) {
                    runs = Math.max(1, Integer.parseInt(a));
                } else if (i == 0) {
                    root = Path.of(a);
                } else {
                    System.out.println("[bench] ignoring unknown argument " + a);
                }
            }
            root = root.toAbsolutePath().normalize();
            ColdStartBenchmark bench = new ColdStartBenchmark(root, experiment, jvmFlags);
            bench.lazyPages = lazy;
            bench.run(runs, aot, snapStart);
        } catch (Throwable t) {
            System.out.println("[bench] FAILED: " + t);
            t.printStackTrace(System.out);
        } finally {
            System.out.flush();
            // The embedded servers keep non-daemon threads; exit runs the shutdown hooks that stop them.
            System.exit(0);
        }
    }

    private void run(int runs, boolean aot, boolean snapStart) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(ColdStartBenchmark::stopAll, "bench-stop-functions"));
        deleteTree(work);
        Files.createDirectories(work);
        printEnvironment(runs, aot, snapStart);
        Path criu = snapStart ? criu() : null;

        // The servers, as LocalCloud starts them, under local-data/bench (its own databases and mailbox).
        LocalServices.start(work, root.resolve("local/target/embedded-servers"));
        smtp = new BreachBenchmark.SmtpSink();
        // The demo app's CRM (its webhook), answering 200 at once so that one worker event completes the
        // request as before; its round trip on loopback is part of the measured erasure worker.
        DemoSystem crm = new DemoSystem(0, DemoSystem.LOCAL_SECRET, DemoSystem.Mode.ANSWER, Duration.ZERO);
        SQSRestServer sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(SQS_PORT).start();
        try {
            sqsServer.waitUntilStarted();
            String endpoint = "http://127.0.0.1:" + SQS_PORT;
            sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_CENTRAL_1)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .build();
            erasureQueue = sqs.createQueue(b -> b.queueName("erasure-jobs")).queueUrl();
            String breachQueue = sqs.createQueue(b -> b.queueName("breach-notices")).queueUrl();
            String retentionQueue = sqs.createQueue(b -> b.queueName("retention-continuations")).queueUrl();
            // Himoya's database and the demo app's own store, as in the local run: the worker's erasure opens
            // its connection to the store, as in AWS.
            common = new TreeMap<>(LocalServices.functionConfig());
            common.put("quarkus.mailer.host", "127.0.0.1");
            // The functions' mail goes to an SMTP sink that answers each command in one write. The local
            // run's GreenMail answers in pieces, and on loopback every SMTP command then waits ~40 ms for
            // TCP's delayed ACK: 200 ms per mail that belong to the test server, not to Himoya.
            common.put("quarkus.mailer.port", Integer.toString(smtp.port()));
            common.put("quarkus.mailer.start-tls", "DISABLED");
            common.put("himoya.crypto.secret", LOCAL_SECRET);
            common.put("himoya.public-base-url", "http://localhost:8080");
            common.put("himoya.queue.kind", "sqs");
            common.put("himoya.queue.endpoint", endpoint);
            common.put("himoya.queue.erasure-url", erasureQueue);
            common.put("himoya.queue.breach-url", breachQueue);
            common.put("himoya.queue.retention-url", retentionQueue);
            common.put("himoya.webhook-local-run", "true");
            common.put("himoya.webhook.demo-crm.secret", DemoSystem.LOCAL_SECRET);
            common.put("himoya.webhook.demo-crm.url", crm.url());

            // Snapshots of the deployment zips, unpacked once: a rebuild during the run cannot change them.
            httpRoot = taskRoot("http-api", root.resolve("http/target/function.zip"));
            functionsRoot = taskRoot("functions", root.resolve("functions/target/function.zip"));
            Path echoRoot = LocalLambda.unpack(buildEchoZip(), work.resolve("echo.task"));

            // A warm HTTP function for set-up only: it applies the schema (Flyway) once before anything is
            // measured and files the requests the measured erasure workers then work on.
            setup = start(new LocalLambda.Spec("http-api", httpRoot, LocalLambda.HTTP_HANDLER, Map.of(),
                    httpProps(Map.of()), Files.createDirectories(work.resolve("setup")), false, MEMORY_MB,
                    runtimeClasspath, List.of()));
            String ready = call(setup, httpEvent("GET", "/v1/deletion-requests/" + UUID.randomUUID(), null));
            System.out.println("[bench] set-up http-api ready (GET of an unknown request: "
                    + JSON.readTree(ready).path("statusCode").asInt() + ")");

            // The functions measured, in the order of each round; the first is the floor the others are
            // compared with.
            List<FunctionSpec> deployed = List.of(
                    new FunctionSpec("echo", echoRoot, EchoHandler.class.getName() + "::handleRequest", Map.of(),
                            Map.of(), List.of(), this::echoEvent, ColdStartBenchmark::checkEcho),
                    new FunctionSpec("http-api intake", httpRoot, LocalLambda.HTTP_HANDLER, Map.of(),
                            httpProps(Map.of()), List.of(), this::intakeEvent, this::checkIntake),
                    new FunctionSpec("erasure-worker", functionsRoot, LocalLambda.FUNQY_HANDLER,
                            Map.of("QUARKUS_FUNQY_EXPORT", "erasureWorker"), common, List.of(),
                            this::workerEvent, this::checkWorker),
                    new FunctionSpec("retention-sweep", sweepRoot(), LocalLambda.FUNQY_HANDLER,
                            Map.of("QUARKUS_FUNQY_EXPORT", "retentionSweep"), common, List.of(),
                            this::sweepEvent, this::checkSweep));
            List<FunctionSpec> functions = new ArrayList<>();
            for (FunctionSpec f : deployed) {
                functions.add(f);
                boolean quarkus = !f.name().equals("echo");
                if (!experimentJvmFlags.isEmpty() || (quarkus && !experiment.isEmpty())) {
                    functions.add(f.twin(quarkus ? experiment : Map.of(), experimentJvmFlags));
                }
            }

            Map<String, Series> plain = measure(functions, runs, "plain", f -> List.of());
            Map<String, Series> cached = null;
            Map<String, Path> caches = new LinkedHashMap<>();
            if (aot) {
                for (FunctionSpec f : functions) {
                    train(f).ifPresent(cache -> caches.put(f.name(), cache));
                }
                cached = measure(functions, runs, "aot", f -> caches.containsKey(f.name())
                        ? List.of("-XX:AOTCache=" + caches.get(f.name())) : List.of());
            }

            System.out.println();
            printTable("Cold starts WITHOUT an AOT cache (" + runs + " runs each)", functions, plain);
            if (cached != null) {
                printTable("Cold starts WITH a JDK AOT cache (" + runs + " runs each; ratio is to echo WITH its"
                        + " cache)", functions, cached);
                printSideBySide(functions, plain, cached, caches);
                classLoadingReport(functions, caches);
            }
            if (snapStart) {
                Map<String, Series> restored = measureSnapStart(functions, runs, criu);
                printSnapStartTable(runs, functions, plain, restored);
            }
            printStartupBreakdown(functions);
        } finally {
            stopAll();
            if (sqs != null) {
                sqs.close();
            }
            sqsServer.stopAndWait();
            smtp.close();
            crm.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Measuring

    @FunctionalInterface
    interface Flags {
        List<String> of(FunctionSpec f);
    }

    private Map<String, Series> measure(List<FunctionSpec> functions, int runs, String mode, Flags flags)
            throws Exception {
        Map<String, Series> result = new LinkedHashMap<>();
        functions.forEach(f -> result.put(f.name(), new Series()));
        for (int round = 1; round <= runs; round++) {
            for (FunctionSpec f : functions) {
                Path dir = Files.createDirectories(work.resolve("runs").resolve(mode + "-" + slug(f.name()) + "-" + round));
                try {
                    Sample s = coldStart(f, flags.of(f), dir);
                    result.get(f.name()).samples.add(s);
                    System.out.printf(Locale.ROOT, "[bench] %-5s round %d/%d %-20s %6.0f ms  peak RSS %4d MB%s%n",
                            mode, round, runs, f.name(), s.ms(), s.hwmKb() / 1024,
                            s.quarkusStartedS() == null ? "" : String.format(Locale.ROOT,
                                    "  (%.0f ms until Quarkus boots, 'started in %.3fs', %.0f ms to the answer)",
                                    s.beforeQuarkusMs(), s.quarkusStartedS(), s.afterStartedMs()));
                } catch (Exception | AssertionError e) {
                    result.get(f.name()).failures.add("round " + round + ": " + why(e));
                    System.out.printf("[bench] %-5s round %d/%d %-20s FAILED: %s (log: %s)%n", mode, round, runs,
                            f.name(), why(e), dir);
                }
            }
        }
        return result;
    }

    /** One cold start: prepare, spawn a fresh process, send the event, time the first answer, read VmHWM. */
    private Sample coldStart(FunctionSpec f, List<String> jvmFlags, Path dir) throws Exception {
        Prepared prepared = f.event().prepare();
        LocalLambda fn = start(spec(f, jvmFlags, dir));
        // The wall clock at the spawn, to place the function's log lines (UTC, millisecond stamps).
        double spawnWallMs = System.currentTimeMillis() - (System.nanoTime() - fn.spawnedAtNanos()) / 1e6;
        String response;
        long answeredAt;
        Map<String, Long> status;
        try {
            Answer answer = answer(fn, prepared.event());
            response = answer.body();
            answeredAt = answer.atNanos();
            status = procStatus(fn.process().pid());
        } finally {
            stop(fn);
        }
        f.check().verify(response, prepared);
        double ms = (answeredAt - fn.spawnedAtNanos()) / 1e6;
        Double startedS = null;
        Double before = null;
        Double after = null;
        Matcher m = STARTED_IN.matcher(readLog(dir));
        if (m.find()) {
            startedS = Double.valueOf(m.group(2));
            double startedWallMs = LocalDateTime.parse(m.group(1), LOG_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
            before = startedWallMs - startedS * 1000 - spawnWallMs;
            after = spawnWallMs + ms - startedWallMs;
        }
        return new Sample(ms, status.getOrDefault("VmHWM", 0L), status.getOrDefault("RssAnon", 0L),
                status.getOrDefault("RssFile", 0L), startedS, before, after);
    }

    /**
     * SnapStart, modelled with CRIU: Lambda runs a published version's init once, calls the beforeCheckpoint
     * hooks, snapshots the whole microVM while the runtime client waits on /restore/next, and starts every
     * later instance from that snapshot (afterRestore hooks, then the invocation). Here the function is
     * started the same way (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, the runtime client's CRaC context),
     * and when it asks for /restore/next, CRIU checkpoints the process (its open TCP connection to the local
     * Runtime API included) and kills it; the measured cold start is then "criu restore" spawned -> the
     * first response, with the restored process answering /restore/next, running afterRestore and serving
     * the event. Each round makes its own snapshot (the restored connection only resumes once).
     */
    private Map<String, Series> measureSnapStart(List<FunctionSpec> functions, int runs, Path criu) throws Exception {
        Map<String, Series> result = new LinkedHashMap<>();
        functions.forEach(f -> result.put(f.name(), new Series()));
        for (int round = 1; round <= runs; round++) {
            for (FunctionSpec f : functions) {
                Path dir = Files.createDirectories(work.resolve("runs").resolve("snap-" + slug(f.name()) + "-" + round));
                try {
                    Sample s = restoredColdStart(f, dir, criu);
                    result.get(f.name()).samples.add(s);
                    System.out.printf(Locale.ROOT, "[bench] snap  round %d/%d %-20s %6.0f ms  peak RSS %4d MB"
                            + "  (criu restore %.0f ms, then %.0f ms to the answer; init before the snapshot %.0f ms,"
                            + " snapshot %d MB)%n", round, runs, f.name(), s.ms(), s.hwmKb() / 1024,
                            s.beforeQuarkusMs(), s.afterStartedMs(), s.quarkusStartedS() * 1000,
                            s.rssFileKb() / 1024);
                } catch (Exception | AssertionError e) {
                    result.get(f.name()).failures.add("round " + round + ": " + why(e));
                    System.out.printf("[bench] snap  round %d/%d %-20s FAILED: %s (log: %s)%n", round, runs,
                            f.name(), why(e), dir);
                }
            }
        }
        return result;
    }

    /**
     * One SnapStart cold start. The Sample's fields here: ms = restore spawned -> first response;
     * beforeQuarkusMs = the "criu restore" command itself; afterStartedMs = from then to the response;
     * quarkusStartedS = init until the snapshot point (s, not measured as cold start); rssFileKb = the
     * snapshot's size on disk.
     */
    private Sample restoredColdStart(FunctionSpec f, Path dir, Path criu) throws Exception {
        Prepared prepared = f.event().prepare();
        Path images = Files.createDirectories(dir.resolve("snapshot"));
        LocalLambda fn = start(spec(f, List.of("-XX:-UsePerfData"), dir, true));
        ProcessHandle restored = null;
        Process pager = null;
        try {
            CompletableFuture.anyOf(fn.snapshotReady(), fn.process().onExit()).get(TIMEOUT.toSeconds(),
                    TimeUnit.SECONDS);
            if (!fn.snapshotReady().isDone()) {
                throw new IllegalStateException("the function exited during init" + (fn.reportedError() == null
                        ? "" : ": " + fn.reportedError()));
            }
            double initMs = (System.nanoTime() - fn.spawnedAtNanos()) / 1e6;
            long pid = fn.process().pid();
            // --network-lock skip: CRIU would otherwise firewall the connection while it dumps (with iptables,
            // which this machine lacks); nothing can arrive on it anyway, as the Runtime API's answer to
            // /restore/next is held back until the process has been restored.
            runCriu(criu, dir.resolve("criu-dump.log"), "dump", "-t", Long.toString(pid), "-D", images.toString(),
                    "--tcp-established", "--network-lock", "skip", "--ghost-limit", "512M", "-o",
                    dir.resolve("criu-dump.log").toString());
            fn.process().onExit().get(30, TimeUnit.SECONDS);
            long snapshotKb = directoryKb(images);

            long t0 = System.nanoTime();
            if (lazyPages) {
                // Memory on demand, as SnapStart loads a snapshot's chunks as they are touched: the restore
                // maps the pages as missing and this server fills each on first touch (userfaultfd), then
                // the rest in the background.
                pager = new ProcessBuilder(criu.toString(), "lazy-pages", "-D", images.toString(), "-o",
                        dir.resolve("criu-lazy-pages.log").toString()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("criu-lazy-pages.out").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                Path socket = images.resolve("lazy-pages.socket");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!Files.exists(socket)) {
                    if (!pager.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("criu lazy-pages did not start (log: "
                                + dir.resolve("criu-lazy-pages.log") + ")");
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
                runCriu(criu, dir.resolve("criu-restore.log"), "restore", "-D", images.toString(), "--tcp-established",
                        "--lazy-pages", "--restore-detached", "-o", dir.resolve("criu-restore.log").toString());
            } else {
                runCriu(criu, dir.resolve("criu-restore.log"), "restore", "-D", images.toString(), "--tcp-established",
                        "--restore-detached", "-o", dir.resolve("criu-restore.log").toString());
            }
            long t1 = System.nanoTime();
            restored = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid
                    + " after criu restore"));
            fn.releaseRestore();
            Answer answer = answer(fn, restored, prepared.event());
            Map<String, Long> status = procStatus(pid);
            f.check().verify(answer.body(), prepared);
            return new Sample((answer.atNanos() - t0) / 1e6, status.getOrDefault("VmHWM", 0L),
                    status.getOrDefault("RssAnon", 0L), snapshotKb, initMs / 1000, (t1 - t0) / 1e6,
                    (answer.atNanos() - t1) / 1e6);
        } finally {
            if (restored != null) {
                restored.destroy();
                try {
                    restored.onExit().get(5, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    restored.destroyForcibly();
                }
            }
            stop(fn);
            // The lazy-pages server exits by itself once every page is served; the process it served is gone.
            if (pager != null && !pager.waitFor(10, TimeUnit.SECONDS)) {
                pager.destroyForcibly();
            }
            deleteTree(images);
        }
    }


    private static void runCriu(Path criu, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(criu.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("criu " + args[0] + " did not finish in 120 s (log: " + log + ")");
        }
        if (p.exitValue() != 0) {
            String tail = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("Error"))
                    .limit(3).reduce((a, b) -> a + " | " + b).orElse("") : "";
            throw new IllegalStateException("criu " + args[0] + " exited " + p.exitValue() + ": " + tail + " (log: "
                    + log + ")");
        }
    }

    private static long directoryKb(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1024;
        }
    }

    /**
     * CRIU 4.x (the checkpoint tool behind OpenJDK CRaC): $HIMOYA_CRIU, or the one bin/build-criu builds
     * into local-data/tools. Debian 12's CRIU 3.17 cannot read this kernel's vDSO, hence the build.
     */
    private Path criu() throws Exception {
        String env = System.getenv("HIMOYA_CRIU");
        Path criu = env != null ? Path.of(env) : root.resolve("local-data/tools/criu/criu");
        if (!Files.isExecutable(criu)) {
            throw new IllegalStateException("--snapstart needs CRIU 4.x at " + criu + ": run bin/build-criu");
        }
        Process p = new ProcessBuilder(criu.toString(), "check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("criu check failed (CRIU needs root and a kernel with checkpoint/restore): "
                    + abbreviate(out));
        }
        System.out.println("[bench] snapstart: " + criu + " (criu check: " + out.lines().reduce((a, b) -> b).orElse("")
                + ")");
        return criu;
    }

    /**
     * The training run of the JDK 25 AOT cache: -XX:AOTCacheOutput makes the JVM record what it loads and
     * links while it serves the one event, and write the cache when it exits. LocalLambda.close() would
     * kill it after 5 s, which can be before the cache is written, so the process gets a SIGTERM (the
     * shutdown hooks run, then the JVM's exit writes the cache) and as long as it needs to finish.
     */
    private Optional<Path> train(FunctionSpec f) throws Exception {
        Path dir = Files.createDirectories(work.resolve("runs").resolve("aot-training-" + slug(f.name())));
        Path cache = Files.createDirectories(work.resolve("aot")).resolve(slug(f.name()) + ".aot");
        Files.deleteIfExists(cache);
        Prepared prepared = f.event().prepare();
        LocalLambda fn = start(spec(f, List.of("-XX:AOTCacheOutput=" + cache), dir));
        long t0 = System.nanoTime();
        try {
            String response = call(fn, prepared.event());
            f.check().verify(response, prepared);
            fn.process().destroy();
            fn.process().onExit().get(5, TimeUnit.MINUTES);
        } catch (Exception | AssertionError e) {
            System.out.println("[bench] aot   training " + f.name() + " FAILED: " + why(e) + " (log: " + dir
                    + ")");
            return Optional.empty();
        } finally {
            stop(fn);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            System.out.println("[bench] aot   training " + f.name() + ": NO cache written at " + cache + " (log: "
                    + dir + ")");
            return Optional.empty();
        }
        System.out.printf(Locale.ROOT, "[bench] aot   training %-20s cache %s (%d MB) written; training + dump %.1f s%n",
                f.name(), work.relativize(cache), Files.size(cache) >> 20, s);
        return Optional.of(cache);
    }

    /**
     * Threads that wait for answers: a cached pool, so that a wait still blocked on a function that died
     * never delays the next event (the common pool has a single thread on a 2-core machine).
     */
    private static final ExecutorService INVOKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-invoke");
        t.setDaemon(true);
        return t;
    });

    /** A function's answer and when it arrived (System.nanoTime). */
    record Answer(String body, long atNanos) {
    }

    /**
     * Sends the event and waits for the answer, or fails at once if the function's process exits first (a
     * failed init would otherwise be noticed only at the time-out).
     */
    static Answer answer(LocalLambda fn, String event) throws Exception {
        return answer(fn, fn.process(), event);
    }

    /** As answer(fn, event), watching the given process (a restored one is no longer fn's child). */
    static Answer answer(LocalLambda fn, ProcessHandle process, String event) throws Exception {
        CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> {
            String body = fn.invoke(event, TIMEOUT);
            return new Answer(body, System.nanoTime());
        }, INVOKERS);
        try {
            CompletableFuture.anyOf(answer, process.onExit()).get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
            return answer.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(process.isAlive() ? "no answer within " + TIMEOUT.toSeconds() + " s"
                    : "the function exited before answering");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    static String call(LocalLambda fn, String event) throws Exception {
        return answer(fn, event).body();
    }

    private LocalLambda.Spec spec(FunctionSpec f, List<String> jvmFlags, Path dir) {
        return spec(f, jvmFlags, dir, false);
    }

    private LocalLambda.Spec spec(FunctionSpec f, List<String> jvmFlags, Path dir, boolean snapStart) {
        String name = f.name().startsWith("http-api") ? "http-api" : slug(f.name());
        List<String> flags = new ArrayList<>(f.jvmFlags());
        flags.addAll(jvmFlags);
        return new LocalLambda.Spec(name, f.taskRoot(), f.handler(), f.env(), f.properties(), dir, false, MEMORY_MB,
                runtimeClasspath, flags, snapStart);
    }

    private static LocalLambda start(LocalLambda.Spec spec) throws IOException {
        LocalLambda fn = LocalLambda.start(spec);
        RUNNING.add(fn);
        return fn;
    }

    private static void stop(LocalLambda fn) {
        try {
            fn.close();
        } finally {
            RUNNING.remove(fn);
        }
    }

    private static void stopAll() {
        for (LocalLambda fn : List.copyOf(RUNNING)) {
            stop(fn);
        }
    }

    /**
     * The memory lines of /proc/&lt;pid&gt;/status in kB: VmHWM (peak resident set so far), RssAnon and
     * RssFile (heap, metaspace, stacks vs mapped files such as jars and the AOT cache, right now).
     */
    static Map<String, Long> procStatus(long pid) {
        Map<String, Long> values = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.endsWith(" kB")) {
                    values.put(line.substring(0, colon), Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a process that is gone reports nothing
        }
        return values;
    }

    /** Quarkus' "started in" line, with its time stamp (the functions log in UTC: LocalLambda sets TZ). */
    private static final Pattern STARTED_IN = Pattern.compile(
            "(?m)^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*started in ([0-9.]+)s");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private static String readLog(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> log = files.filter(p -> p.toString().endsWith(".log")).findFirst();
            return log.isPresent() ? Files.readString(log.get(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The events, and what each must have done

    private Prepared echoEvent() {
        String event = "{\"source\":\"himoya.bench\",\"detail\":{\"ping\":\"" + UUID.randomUUID() + "\"}}";
        return new Prepared(event, event);
    }

    private static void checkEcho(String response, Prepared p) {
        if (!response.equals(p.expect())) {
            throw new AssertionError("echo answered " + abbreviate(response));
        }
    }

    /** A new attested request for a demo user; Himoya's tables are cleared so it is stored anew. */
    private Prepared intakeEvent() throws Exception {
        clearHimoyaTables();
        return new Prepared(intake(INTAKE_SUBJECT), null);
    }

    private void checkIntake(String response, Prepared p) throws Exception {
        JsonNode r = JSON.readTree(response);
        if (r.path("statusCode").asInt() != 202) {
            throw new AssertionError("intake answered " + r.path("statusCode").asInt() + ": "
                    + abbreviate(r.path("body").asText()));
        }
        String id = JSON.readTree(r.path("body").asText()).path("id").asText();
        String row = requestRow(id);
        if (!row.equals("QUEUED enqueued")) {
            throw new AssertionError("request " + id + " is stored as '" + row + "', not QUEUED and enqueued");
        }
    }

    /**
     * A QUEUED request for the worker: the demo data is reloaded (the previous round erased the user) and
     * the warm set-up function files an attested request, as an app would; the event is the SQS message.
     */
    private Prepared workerEvent() throws Exception {
        DemoStore.loadDemo();
        clearHimoyaTables();
        JsonNode r = JSON.readTree(call(setup, intake(WORKER_SUBJECT)));
        if (r.path("statusCode").asInt() != 202) {
            throw new IllegalStateException("set-up intake answered " + r.path("statusCode").asInt());
        }
        String id = JSON.readTree(r.path("body").asText()).path("id").asText();
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(
                root.resolve("functions/src/test/resources/events/sqs-erasure.json")));
        ObjectNode record = (ObjectNode) event.path("Records").get(0);
        record.put("messageId", UUID.randomUUID().toString());
        record.put("body", "{\"requestId\":\"" + id + "\"}");
        record.put("eventSourceARN", "arn:aws:sqs:eu-central-1:000000000000:erasure-jobs");
        ArrayNode records = JSON.createArrayNode().add(record);
        event.set("Records", records);
        mailsBeforeWorker = smtp.messages();
        return new Prepared(JSON.writeValueAsString(event), id);
    }

    private void checkWorker(String response, Prepared p) throws Exception {
        JsonNode failures = JSON.readTree(response).path("batchItemFailures");
        if (!failures.isArray() || !failures.isEmpty()) {
            throw new AssertionError("worker answered " + abbreviate(response));
        }
        String row = requestRow(p.expect());
        if (!row.startsWith("COMPLETED")) {
            throw new AssertionError("request " + p.expect() + " is '" + row + "' after the worker, not COMPLETED");
        }
        if (smtp.messages() != mailsBeforeWorker + 1) {
            throw new AssertionError("the worker sent " + (smtp.messages() - mailsBeforeWorker)
                    + " mails, not the one confirmation");
        }
        try (Connection c = DemoStore.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM demo_app.users WHERE id = ?")) {
            ps.setLong(1, Long.parseLong(WORKER_SUBJECT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new AssertionError("demo user " + WORKER_SUBJECT + " still exists after erasure");
                }
            }
        }
    }

    /**
     * The sweep's task root: the functions zip with the demo app's privacy map stripped of its retention
     * rules (a copy at the task root, which the class path searches before lib/), so the measured sweep is
     * "a sweep over an empty rule set": it starts a run, finds no app rules, does Himoya's own housekeeping
     * and records the run, but removes no app rows.
     */
    private Path sweepRoot() throws IOException {
        Path target = work.resolve("retention-sweep.task");
        deleteTree(target);
        try (Stream<Path> files = Files.walk(functionsRoot)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(functionsRoot.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.createLink(to, from);
                }
            }
        }
        String map = Files.readString(root.resolve("privacy-maps/demo.yaml"));
        Files.createDirectories(target.resolve("privacy-maps"));
        Files.writeString(target.resolve("privacy-maps/demo.yaml"), withoutRetention(map));
        return target;
    }

    /** The YAML without its "retention:" blocks (each key and every deeper-indented line under it). */
    static String withoutRetention(String yaml) {
        StringBuilder out = new StringBuilder();
        int skipDeeperThan = -1;
        for (String line : yaml.split("\n", -1)) {
            int indent = line.length() - line.stripLeading().length();
            if (skipDeeperThan >= 0) {
                if (line.isBlank() || indent > skipDeeperThan) {
                    continue;
                }
                skipDeeperThan = -1;
            }
            if (line.stripLeading().startsWith("retention:")) {
                skipDeeperThan = indent;
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** EventBridge Scheduler's event for the demo app's nightly sweep (the tests' sample), fresh ids. */
    private Prepared sweepEvent() throws Exception {
        clearHimoyaTables();
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(
                root.resolve("functions/src/test/resources/events/scheduler-retention-demo.json")));
        event.put("executionId", UUID.randomUUID().toString());
        event.put("scheduledTime", java.time.Instant.now().toString());
        return new Prepared(JSON.writeValueAsString(event), Long.toString(appRows()));
    }

    private void checkSweep(String response, Prepared p) throws Exception {
        JsonNode runs = JSON.readTree(response).path("runs");
        if (runs.size() != 1 || !runs.get(0).path("appId").asText().equals("demo")
                || runs.get(0).path("status").asText().equals("RUNNING")) {
            throw new AssertionError("sweep answered " + abbreviate(response));
        }
        long rows = appRows();
        if (rows != Long.parseLong(p.expect())) {
            throw new AssertionError("the sweep over an empty rule set changed the demo app's rows: " + p.expect()
                    + " -> " + rows);
        }
    }

    /** All rows of the demo app's tables that carry retention rules in the full map. */
    private static long appRows() throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM demo_app.users)"
                        + " + (SELECT count(*) FROM demo_app.access_logs) + (SELECT count(*) FROM demo_app.sessions)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The API Gateway v2 intake event of the tests, with the local key and the given demo user. */
    private String intake(String subject) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(
                root.resolve("http/src/test/resources/events/http-intake.json")));
        ((ObjectNode) event.path("headers")).put("authorization", "Bearer " + DEMO_KEY);
        ObjectNode body = (ObjectNode) JSON.readTree(event.path("body").asText());
        ((ObjectNode) body.path("subject")).put("id", subject);
        body.put("verified", true);
        event.put("body", JSON.writeValueAsString(body));
        ((ObjectNode) event.path("requestContext")).put("requestId", UUID.randomUUID().toString());
        return JSON.writeValueAsString(event);
    }

    /** A minimal API Gateway v2 event for the set-up instance's readiness check. */
    private static String httpEvent(String method, String path, String body) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", "");
        e.putObject("headers").put("authorization", "Bearer " + DEMO_KEY).put("accept", "application/json");
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("requestId", UUID.randomUUID().toString()).put("stage", "$default").put("routeKey", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        ctx.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1");
        if (body != null) {
            e.put("body", body);
        }
        e.put("isBase64Encoded", false);
        return JSON.writeValueAsString(e);
    }

    private static void clearHimoyaTables() throws SQLException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE deletion_request, audit_event, idempotency_record, intake_rate, retention_run CASCADE");
        }
    }

    private static String requestRow(String id) throws SQLException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT status, enqueued_at IS NOT NULL FROM deletion_request WHERE id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + (rs.getBoolean(2) ? " enqueued" : " not-enqueued") : "missing";
            }
        }
    }

    private Map<String, String> httpProps(Map<String, String> extra) {
        Map<String, String> p = with(common, extra);
        p.put("himoya.bootstrap-keys.demo", DEMO_KEY);
        p.put("himoya.ops-key", LocalCloud.OPS_KEY);
        return p;
    }

    static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
        Map<String, String> p = new TreeMap<>(base);
        p.putAll(extra);
        return p;
    }

    // ---------------------------------------------------------------------------------------------------
    // Zips

    /** The floor's deployment zip: EchoHandler's class at the root and aws-lambda-java-core in lib/. */
    private Path buildEchoZip() throws IOException {
        String cls = EchoHandler.class.getName().replace('.', '/') + ".class";
        Path core = Arrays.stream(runtimeClasspath.split(java.io.File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-core-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("aws-lambda-java-core not in runtime-classpath.txt"));
        Path zip = work.resolve("echo-function.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
                InputStream in = EchoHandler.class.getClassLoader().getResourceAsStream(cls)) {
            out.putNextEntry(new ZipEntry(cls));
            in.transferTo(out);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/" + core.getFileName()));
            Files.copy(core, out);
            out.closeEntry();
        }
        return zip;
    }

    private Path taskRoot(String name, Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: build it first (bin/bench-coldstart does)");
        }
        Path copy = work.resolve(name + "-function.zip");
        Path target = work.resolve(name + ".task");
        for (int attempt = 1;; attempt++) {
            try {
                Files.copy(zip, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LocalLambda.unpack(copy, target);
                break;
            } catch (IOException e) {
                // A build running next to the benchmark may be rewriting the zip right now.
                if (attempt == 12) {
                    throw e;
                }
                System.out.println("[bench] " + root.relativize(zip) + " is unreadable (" + e.getMessage()
                        + "), perhaps being rebuilt; trying again in 5 s");
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        System.out.printf(Locale.ROOT, "[bench] %s: %s (%d MB, built %s)%n", name, root.relativize(zip),
                Files.size(copy) >> 20, Files.getLastModifiedTime(copy));
        return target;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reporting

    private void printEnvironment(int runs, boolean aot, boolean snapStart) {
        System.out.println("Himoya cold-start benchmark");
        System.out.println("date:     " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        System.out.println("java:     " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + ", " + System.getProperty("java.home") + ")");
        System.out.println("os:       " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        System.out.println("cpu:      " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println("memory:   " + memTotal());
        System.out.println("function: " + MEMORY_MB + " MB (-XX:MaxRAM=" + MEMORY_MB + "m -Xmx" + MEMORY_MB * 3 / 4 + "m), JVM flags "
                + String.join(" ", LocalLambda.LAMBDA_JVM_FLAGS) + ", AWS runtime interface client 2.9.0");
        System.out.println("runs:     " + runs + " cold starts per function, round-robin" + (aot
                ? "; then one AOT training run per function and " + runs + " more with its cache" : "")
                + (snapStart ? "; then " + runs + " SnapStart restores per function (CRIU" + (lazyPages
                        ? ", memory restored lazily on first touch" : ", all memory restored up front") + ")" : ""));
        System.out.println("measured: process spawn -> first response (one event doing the real work);"
                + " peak RSS = VmHWM right after it");
        if (!experiment.isEmpty() || !experimentJvmFlags.isEmpty()) {
            System.out.println("EXPERIMENT: the '+exp' rows run with" + (experiment.isEmpty() ? ""
                    : " the system properties " + experiment + " (Quarkus functions)") + (experimentJvmFlags.isEmpty()
                            ? "" : " the JVM flags " + experimentJvmFlags) + ", in the same rounds as the deployed ones");
        }
        System.out.println();
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MB").findFirst()
                    .orElse("unknown");
        } catch (IOException | NumberFormatException e) {
            return "unknown";
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double medianMs(Series s) {
        return median(s.samples.stream().map(Sample::ms).toList());
    }

    private static long peakMb(Series s) {
        return s.samples.stream().mapToLong(Sample::hwmKb).max().orElse(0) / 1024;
    }

    private static void printTable(String title, List<FunctionSpec> functions, Map<String, Series> results) {
        System.out.println("== " + title);
        String fmt = "%-20s %4s %9s %7s %7s %7s %9s %-9s %-9s%n";
        System.out.printf(fmt, "function", "ok", "median ms", "min ms", "max ms", "ratio", "peak RSS", "ratio<=3",
                "RSS<=256");
        double floor = medianMs(results.get(functions.get(0).name()));
        for (FunctionSpec f : functions) {
            Series s = results.get(f.name());
            int n = s.samples.size();
            if (n == 0) {
                System.out.printf(fmt, f.name(), "0/" + s.failures.size(), "-", "-", "-", "-", "-", "-", "-");
                continue;
            }
            double med = medianMs(s);
            double min = s.samples.stream().mapToDouble(Sample::ms).min().orElseThrow();
            double max = s.samples.stream().mapToDouble(Sample::ms).max().orElseThrow();
            double ratio = med / floor;
            long rss = peakMb(s);
            System.out.printf(Locale.ROOT, fmt, f.name(), n + "/" + (n + s.failures.size()), fmt0(med), fmt0(min),
                    fmt0(max), String.format(Locale.ROOT, "%.2f", ratio), rss + " MB", ratio <= MAX_RATIO ? "yes" : "NO",
                    rss <= MAX_RSS_MB ? "yes" : "NO");
        }
        for (FunctionSpec f : functions) {
            results.get(f.name()).failures.forEach(m -> System.out.println("   failed " + f.name() + " " + m));
        }
        System.out.println("   ratio = median / median of the first row (echo); targets: ratio <= " + MAX_RATIO + ", peak RSS (max VmHWM"
                + " over the runs) <= " + MAX_RSS_MB + " MB");
        System.out.println("   where the time and memory went (medians):");
        String bfmt = "   %-20s %16s %17s %17s %10s %10s%n";
        System.out.printf(bfmt, "function", "until Quarkus ms", "Quarkus 'started'", "then to answer ms", "RssAnon",
                "RssFile");
        for (FunctionSpec f : functions) {
            Series s = results.get(f.name());
            if (s.samples.isEmpty()) {
                continue;
            }
            System.out.printf(Locale.ROOT, bfmt, f.name(), medianOf(s, Sample::beforeQuarkusMs, "%.0f"),
                    medianOf(s, x -> x.quarkusStartedS() == null ? null : x.quarkusStartedS() * 1000, "%.0f ms"),
                    medianOf(s, Sample::afterStartedMs, "%.0f"),
                    fmt0(median(s.samples.stream().map(x -> x.rssAnonKb() / 1024.0).toList())) + " MB",
                    fmt0(median(s.samples.stream().map(x -> x.rssFileKb() / 1024.0).toList())) + " MB");
        }
        System.out.println("   (until Quarkus: spawn to the start of Quarkus' boot = JVM, runtime interface client,"
                + " loading the handler; RssAnon/RssFile: at the answer; RssFile counts mapped jars and AOT cache)");
        System.out.println();
    }

    private static void printSnapStartTable(int runs, List<FunctionSpec> functions, Map<String, Series> plain,
            Map<String, Series> restored) {
        System.out.println("== SnapStart cold starts: restore from a snapshot taken after init and the priming hooks"
                + " (CRIU; " + runs + " runs each)");
        String fmt = "%-20s %4s %9s %7s %7s %9s %11s %9s %-9s %-9s %8s %9s %9s%n";
        System.out.printf(fmt, "function", "ok", "median ms", "min ms", "max ms", "ratio", "ratio snap", "peak RSS",
                "ratio<=3", "RSS<=256", "restore", "to answer", "snapshot");
        double floor = medianMs(plain.get(functions.get(0).name()));
        double snapFloor = medianMs(restored.get(functions.get(0).name()));
        for (FunctionSpec f : functions) {
            Series s = restored.get(f.name());
            int n = s.samples.size();
            if (n == 0) {
                System.out.printf(fmt, f.name(), "0/" + s.failures.size(), "-", "-", "-", "-", "-", "-", "-", "-", "-",
                        "-", "-");
                continue;
            }
            double med = medianMs(s);
            double ratio = med / floor;
            long rss = peakMb(s);
            System.out.printf(Locale.ROOT, fmt, f.name(), n + "/" + (n + s.failures.size()), fmt0(med),
                    fmt0(s.samples.stream().mapToDouble(Sample::ms).min().orElseThrow()),
                    fmt0(s.samples.stream().mapToDouble(Sample::ms).max().orElseThrow()),
                    String.format(Locale.ROOT, "%.2f", ratio), String.format(Locale.ROOT, "%.2f", med / snapFloor),
                    rss + " MB", ratio <= MAX_RATIO ? "yes" : "NO", rss <= MAX_RSS_MB ? "yes" : "NO",
                    medianOf(s, Sample::beforeQuarkusMs, "%.0f ms"), medianOf(s, Sample::afterStartedMs, "%.0f ms"),
                    fmt0(median(s.samples.stream().map(x -> x.rssFileKb() / 1024.0).toList())) + " MB");
        }
        for (FunctionSpec f : functions) {
            restored.get(f.name()).failures.forEach(m -> System.out.println("   failed " + f.name() + " " + m));
        }
        System.out.println("   median ms: 'criu restore' spawned -> first response (restore, /restore/next, afterRestore"
                + " hooks, the event's real work); ratio: to the floor of this run (echo started WITHOUT a snapshot,"
                + " " + fmt0(floor) + " ms); ratio snap: to echo restored the same way; restore: the criu command"
                + " alone; peak RSS: VmHWM of the restored process; snapshot: CRIU's images on disk.");
        System.out.println("   Lambda restores a Firecracker microVM snapshot instead, loading its pages from a"
                + " cache as they are touched: AWS's own restore overhead is not in these figures.");
        System.out.println();
    }

    private static String medianOf(Series s, java.util.function.Function<Sample, Double> f, String format) {
        List<Double> xs = s.samples.stream().map(f).filter(x -> x != null).toList();
        return xs.isEmpty() ? "-" : String.format(Locale.ROOT, format, median(xs));
    }

    private static void printSideBySide(List<FunctionSpec> functions, Map<String, Series> plain,
            Map<String, Series> cached, Map<String, Path> caches) throws IOException {
        System.out.println("== Side by side: without vs with the AOT cache (medians)");
        String fmt = "%-20s %12s %12s %9s %11s %11s %12s %12s %s%n";
        System.out.printf(fmt, "function", "no AOT ms", "AOT ms", "change", "ratio noAOT", "ratio AOT",
                "RSS no AOT", "RSS AOT", "cache");
        double floorPlain = medianMs(plain.get(functions.get(0).name()));
        double floorAot = medianMs(cached.get(functions.get(0).name()));
        for (FunctionSpec f : functions) {
            double a = medianMs(plain.get(f.name()));
            double b = medianMs(cached.get(f.name()));
            Path cache = caches.get(f.name());
            System.out.printf(Locale.ROOT, fmt, f.name(), fmt0(a), fmt0(b),
                    String.format(Locale.ROOT, "%+.0f%%", (b - a) / a * 100),
                    String.format(Locale.ROOT, "%.2f", a / floorPlain), String.format(Locale.ROOT, "%.2f", b / floorAot),
                    peakMb(plain.get(f.name())) + " MB", peakMb(cached.get(f.name())) + " MB",
                    cache == null ? "none (training failed)" : (Files.size(cache) >> 20) + " MB");
        }
        System.out.println("   The AOT cache only loads on the exact JDK build that wrote it (here "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "), with the same classpath and GC: Lambda's managed java runtime would need the cache built"
                + " in a training run on that very runtime build, and rebuilt whenever AWS updates it (or the"
                + " function ships its own JDK in a container image / custom runtime). On any mismatch the JVM"
                + " warns and silently starts without it.");
        System.out.println();
    }

    /**
     * Where the classes came from, in one extra (unmeasured) start per function with -Xlog:class+load:
     * the JDK's default CDS archive vs the AOT cache. It shows what the cache can and cannot hold.
     */
    private void classLoadingReport(List<FunctionSpec> functions, Map<String, Path> caches) throws Exception {
        System.out.println("== Where the loaded classes came from (one extra unmeasured start each, -Xlog:class+load)");
        String fmt = "%-20s %-7s %8s %15s %17s %12s %10s%n";
        System.out.printf(fmt, "function", "mode", "classes", "from archive", "parsed from jars", "JDK, parsed",
                "generated");
        for (FunctionSpec f : functions) {
            for (String mode : caches.containsKey(f.name()) ? List.of("no AOT", "AOT") : List.of("no AOT")) {
                Path dir = Files.createDirectories(work.resolve("runs").resolve("classload-" + (mode.equals("AOT")
                        ? "aot-" : "plain-") + slug(f.name())));
                Path log = dir.resolve("class-load.txt");
                List<String> flags = new ArrayList<>();
                if (mode.equals("AOT")) {
                    flags.add("-XX:AOTCache=" + caches.get(f.name()));
                }
                flags.add("-Xlog:class+load=info:file=" + log);
                try {
                    coldStart(f, flags, dir);
                    Map<String, Long> bySource = new TreeMap<>();
                    for (String line : Files.readAllLines(log)) {
                        int at = line.indexOf(" source: ");
                        if (at < 0) {
                            continue;
                        }
                        String source = line.substring(at + " source: ".length());
                        String kind = source.startsWith("shared objects file") ? "archive"
                                : source.startsWith("jrt:/") ? "jdk" : source.startsWith("file:") ? "jar" : "generated";
                        bySource.merge(kind, 1L, Long::sum);
                    }
                    long total = bySource.values().stream().mapToLong(Long::longValue).sum();
                    System.out.printf(Locale.ROOT, fmt, f.name(), mode, total, String.format(Locale.ROOT, "%d (%.0f%%)",
                            bySource.getOrDefault("archive", 0L), 100.0 * bySource.getOrDefault("archive", 0L) / total),
                            bySource.getOrDefault("jar", 0L), bySource.getOrDefault("jdk", 0L),
                            bySource.getOrDefault("generated", 0L));
                } catch (Exception | AssertionError e) {
                    System.out.printf(fmt, f.name(), mode, "failed", why(e), "", "", "");
                }
            }
        }
        System.out.println("   from archive: the JDK's default CDS archive (no AOT) or the AOT cache; parsed from jars:"
                + " read, parsed and verified at start (lib/*.jar, classes at the task root, the runtime client);"
                + " generated: lambdas, proxies and other hidden classes spun at run time");
        System.out.println();
    }

    /** The Quarkus functions' own start-up lines, from the first plain run's log. */
    private void printStartupBreakdown(List<FunctionSpec> functions) {
        System.out.println("== What the Quarkus functions log while starting (round 1 without AOT; logs in "
                + root.relativize(work.resolve("runs")) + ")");
        for (FunctionSpec f : functions.stream().filter(x -> !x.name().startsWith("echo")).toList()) {
            Path dir = work.resolve("runs").resolve("plain-" + slug(f.name()) + "-1");
            System.out.println("-- " + f.name() + " (" + root.relativize(dir) + ")");
            readLog(dir).lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*") || l.startsWith("Exception in"))
                    .limit(30).forEach(l -> System.out.println("   " + l));
        }
        System.out.println();
    }

    /** A failure's message with its causes: "cannot run demo/schema.sql" alone does not say why. */
    static String why(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return abbreviate(sb.toString().replace('\n', ' '));
    }

    private static String fmt0(double ms) {
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    private static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
