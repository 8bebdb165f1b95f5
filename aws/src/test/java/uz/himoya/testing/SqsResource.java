package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real SQS-compatible server (ElasticMQ) on loopback, with the erasure and breach queues created. In the aws
 * module's test-jar, beside the SDK it drives; http's and functions' tests use it from there.
 */
public class SqsResource implements QuarkusTestResourceLifecycleManager {
    private static SQSRestServer server;
    private static String endpoint;
    private static String erasureUrl;
    private static String breachUrl;

    @Override
    public Map<String, String> start() {
        startServer();
        return Map.of("himoya.queue.kind", "sqs", "himoya.queue.endpoint", endpoint,
                "himoya.queue.erasure-url", erasureUrl, "himoya.queue.breach-url", breachUrl,
                "himoya.queue.region", "eu-central-1");
    }

    public static synchronized void startServer() {
        if (server == null) {
            server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
            int port = server.waitUntilStarted().localAddress().getPort();
            endpoint = "http://127.0.0.1:" + port;
            erasureUrl = client().createQueue(b -> b.queueName("erasure-jobs")).queueUrl();
            breachUrl = client().createQueue(b -> b.queueName("breach-notices")).queueUrl();
        }
    }

    public static SqsClient client() {
        return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_CENTRAL_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
    }

    /** The server's address, as himoya.queue.endpoint names it. */
    public static String endpoint() {
        return endpoint;
    }

    public static String erasureUrl() {
        return erasureUrl;
    }

    public static String breachUrl() {
        return breachUrl;
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM.
    }
}
