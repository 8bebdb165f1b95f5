package uz.himoya.queue;

import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import uz.himoya.config.HimoyaConfig;

/**
 * Sends jobs to SQS. The client is built on first use, not at start-up: a cold start of a function that
 * never enqueues does not pay for it, and the URL-connection HTTP client is the lightest the SDK has.
 */
public class SqsJobQueue implements JobQueue {
    private final HimoyaConfig.Queue config;
    private volatile SqsClient client;

    public SqsJobQueue(HimoyaConfig.Queue config) {
        this.config = config;
    }

    @Override
    public void enqueue(UUID requestId) {
        String url = config.erasureUrl().orElseThrow(() -> new IllegalStateException(
                "himoya.queue.erasure-url is not set"));
        client().sendMessage(b -> b.queueUrl(url).messageBody(JobMessages.body(requestId)));
    }

    private SqsClient client() {
        SqsClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    SqsClientBuilder b = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                            .region(Region.of(config.region()));
                    config.endpoint().ifPresent(e -> b.endpointOverride(URI.create(e))
                            // A local SQS-compatible server accepts any credentials.
                            .credentialsProvider(StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create("local", "local"))));
                    client = b.build();
                }
                c = client;
            }
        }
        return c;
    }
}
