package uz.himoya.local;

import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole system on one machine, as deployed: the HTTP function behind a local API Gateway on :8080,
 * the erasure worker fed by a local SQS (ElasticMQ on :9324) through an event source mapping, Himoya's
 * embedded PostgreSQL, the demo apps' own stores (a second PostgreSQL, a MariaDB; LocalServices), the user's
 * own apps if local/apps.local.properties names any (LocalApps), SMTP whose mail lands in local-mailbox/, and
 * the demo app's CRM on :8090 taking signed webhook jobs and calling back ({@link DemoSystem}). The functions
 * are the real
 * deployment zips started by AWS's runtime interface client. Started by ./run-local.
 */
public final class LocalCloud {
    public static final int HTTP_PORT = 8080;
    public static final int SQS_PORT = 9324;
    public static final int INVOKE_PORT = 9001;
    public static final String DEMO_KEY = "demo-app-key-local-only";
    /** The key of the second demo app, demo-kg, whose store is the embedded MariaDB. */
    public static final String KG_KEY = "kg-app-key-local-only";
    public static final String OPS_KEY = "ops-key-local-only";
    /** A fixed secret for the local run only; never use it anywhere else. */
    static final String LOCAL_SECRET = "bG9jYWwtcnVuLW9ubHktc2VjcmV0LWxvY2FsLXJ1bi1vbmx5";

    private LocalCloud() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path work = Files.createDirectories(root.resolve("local-data"));
        // The servers' binaries, unpacked once beside the build (local-data is emptied at every start).
        Path binaries = root.resolve("local/target/embedded-servers");
        Map<String, String> servers = LocalServices.functionConfig();
        // The user's own apps (local/apps.local.properties), checked before anything starts.
        Optional<LocalApps> own = LocalApps.load(root, List.of("demo"), List.of(DEMO_KEY, OPS_KEY),
                LocalServices.CONNECTIONS);
        LocalServices.start(root, binaries);
        if (own.isPresent()) {
            own.get().startEmbedded(binaries.resolve("postgresql"));
        }
        SQSRestServer sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(SQS_PORT).start();
        sqsServer.waitUntilStarted();
        String endpoint = "http://127.0.0.1:" + SQS_PORT;
        SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        String erasureQueue = sqs.createQueue(b -> b.queueName("erasure-jobs")).queueUrl();
        String breachQueue = sqs.createQueue(b -> b.queueName("breach-notices")).queueUrl();
        String retentionQueue = sqs.createQueue(b -> b.queueName("retention-continuations")).queueUrl();

        Map<String, String> common = new HashMap<>(servers);
        List<String> apps = new ArrayList<>(List.of("demo", "demo-kg"));
        own.ifPresent(o -> {
            apps.addAll(o.ids());
            common.putAll(o.functionConfig());
        });
        common.put("himoya.apps", String.join(",", apps));
        common.put("quarkus.mailer.host", "127.0.0.1");
        common.put("quarkus.mailer.port", Integer.toString(LocalServices.SMTP_PORT));
        common.put("quarkus.mailer.start-tls", "DISABLED");
        common.put("himoya.crypto.secret", LOCAL_SECRET);
        common.put("himoya.public-base-url", "http://localhost:" + HTTP_PORT);
        common.put("himoya.queue.kind", "sqs");
        common.put("himoya.queue.endpoint", endpoint);
        common.put("himoya.queue.erasure-url", erasureQueue);
        common.put("himoya.queue.breach-url", breachQueue);
        common.put("himoya.queue.retention-url", retentionQueue);
        // The demo app's CRM (privacy-maps/demo.yaml, webhook crm) is the local demo system, over plain http on
        // loopback: allowed in the local run only, like the address override.
        common.put("himoya.webhook-local-run", "true");
        common.put("himoya.webhook.demo-crm.secret", DemoSystem.LOCAL_SECRET);
        common.put("himoya.webhook.demo-crm.url", "http://127.0.0.1:" + DemoSystem.PORT + DemoSystem.PATH);
        String runtimeClasspath = Files.readString(root.resolve("local/target/runtime-classpath.txt")).trim();

        List<AutoCloseable> open = new ArrayList<>();
        open.add(new DemoSystem(DemoSystem.PORT, DemoSystem.LOCAL_SECRET, DemoSystem.Mode.CALL_BACK,
                Duration.ofSeconds(2)));
        // jboss-threads resets thread locals through java.lang internals; JDK 24+ needs this opened (Lambda's
        // java21 runtime does not). Without it every response loses its executor thread.
        List<String> jvmFlags = Runtime.version().feature() >= 24
                ? List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED") : List.of();
        Map<String, String> httpProps = new HashMap<>(common);
        httpProps.put("himoya.bootstrap-keys.demo", DEMO_KEY);
        httpProps.put("himoya.bootstrap-keys.demo-kg", KG_KEY);
        httpProps.put("himoya.ops-key", OPS_KEY);
        own.ifPresent(o -> httpProps.putAll(o.httpConfig()));
        LocalLambda http = LocalLambda.start(new LocalLambda.Spec("http-api", root.resolve("http/target/function.zip"),
                LocalLambda.HTTP_HANDLER, Map.of(), httpProps, work, true, 512, runtimeClasspath, jvmFlags));
        open.add(http);
        open.add(new LocalGateway(HTTP_PORT, http));

        // The event functions: one process each, like one Lambda each, from the same zip.
        Map<String, LocalLambda> functions = new java.util.LinkedHashMap<>();
        functions.put("http-api", http);
        for (String[] fn : new String[][] { { "erasure-worker", "erasureWorker", erasureQueue },
                { "breach-notifier", "breachNotifier", breachQueue },
                { "retention-sweep", "retentionSweep", retentionQueue }, { "deadline-watchdog", "deadlineWatchdog", null } }) {
            LocalLambda f = LocalLambda.start(new LocalLambda.Spec(fn[0], root.resolve("functions/target/function.zip"),
                    LocalLambda.FUNQY_HANDLER, Map.of("QUARKUS_FUNQY_EXPORT", fn[1]), common, work, true, 512,
                    runtimeClasspath, jvmFlags));
            open.add(f);
            functions.put(fn[0], f);
            if (fn[2] != null) {
                String queueName = fn[2].substring(fn[2].lastIndexOf('/') + 1);
                open.add(new LocalEventSource(sqs, fn[2], "arn:aws:sqs:eu-central-1:000000000000:" + queueName, f, 5));
            }
        }
        open.add(new LocalInvokeApi(INVOKE_PORT, functions));

        System.out.println("[local] HTTP API on http://localhost:" + HTTP_PORT + " (app key for the demo app: "
                + DEMO_KEY + ")");
        System.out.println("[local] ops routes (/v1/breaches, /v1/holds, /v1/retention, /v1/ops): ops key " + OPS_KEY);
        own.ifPresent(o -> System.out.println("[local] your apps " + o.ids() + " (maps in " + root.relativize(o.mapDir())
                + ", keys from " + LocalApps.FILE + "); an app whose store is empty or out of step with its map"
                + " waits, and is served within 20 s of the store being put right"));
        System.out.println("[local] SQS on " + endpoint + ": erasure-jobs -> erasure-worker, breach-notices ->"
                + " breach-notifier, retention-continuations -> retention-sweep");
        System.out.println("[local] demo webhook system (the demo app's CRM) on http://127.0.0.1:" + DemoSystem.PORT
                + DemoSystem.PATH + ": answers 202, calls back signed 2 s later");
        System.out.println("[local] Lambda Invoke API on http://localhost:" + INVOKE_PORT + "/2015-03-31/functions/"
                + "{name}/invocations for " + functions.keySet());
        System.out.println("[local] Ctrl-C stops everything");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable c : open.reversed()) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }
            sqsServer.stopAndWait();
        }));
        new CountDownLatch(1).await();
    }
}
