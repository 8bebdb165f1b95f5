package uz.himoya.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * the erasure worker fed by a local SQS (ElasticMQ on :9324) through an event source mapping, an embedded
 * PostgreSQL with the demo app, and SMTP whose mail lands in local-mailbox/. The functions are the real
 * deployment zips started by AWS's runtime interface client. Started by ./run-local.
 */
public final class LocalCloud {
    public static final int HTTP_PORT = 8080;
    public static final int SQS_PORT = 9324;
    public static final int INVOKE_PORT = 9001;
    public static final String DEMO_KEY = "demo-app-key-local-only";
    public static final String OPS_KEY = "ops-key-local-only";
    /** A fixed secret for the local run only; never use it anywhere else. */
    static final String LOCAL_SECRET = "bG9jYWwtcnVuLW9ubHktc2VjcmV0LWxvY2FsLXJ1bi1vbmx5";

    private LocalCloud() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path work = Files.createDirectories(root.resolve("local-data"));
        LocalServices.start(root);
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

        Map<String, String> common = new HashMap<>();
        common.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + LocalServices.PG_PORT + "/postgres");
        common.put("quarkus.datasource.username", "postgres");
        common.put("quarkus.datasource.password", "postgres");
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
        String runtimeClasspath = Files.readString(root.resolve("local/target/runtime-classpath.txt")).trim();

        List<AutoCloseable> open = new ArrayList<>();
        // jboss-threads resets thread locals through java.lang internals; JDK 24+ needs this opened (Lambda's
        // java21 runtime does not). Without it every response loses its executor thread.
        List<String> jvmFlags = Runtime.version().feature() >= 24
                ? List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED") : List.of();
        Map<String, String> httpProps = new HashMap<>(common);
        httpProps.put("himoya.bootstrap-keys.demo", DEMO_KEY);
        httpProps.put("himoya.ops-key", OPS_KEY);
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
        System.out.println("[local] SQS on " + endpoint + ": erasure-jobs -> erasure-worker, breach-notices ->"
                + " breach-notifier, retention-continuations -> retention-sweep");
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
