package uz.himoya.aws.sqs;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import uz.himoya.config.HimoyaConfig;

/**
 * One SQS client per function, built on first use, not at start-up: a cold start of a function that
 * never sends does not pay for it, and the URL-connection HTTP client is the lightest the SDK has.
 */
public final class SqsClients {
    private final String region;
    private final Optional<String> endpoint;
    private volatile SqsClient client;

    /**
     * @param region   the queues' region (himoya.queue.region)
     * @param endpoint an SQS-compatible server instead of AWS's (himoya.queue.endpoint: ElasticMQ locally)
     */
    public SqsClients(String region, Optional<String> endpoint) {
        this.region = region;
        this.endpoint = endpoint;
    }

    public SqsClients(HimoyaConfig.Queue config) {
        this(config.region(), config.endpoint());
    }

    public SqsClient get() {
        SqsClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    SqsClientBuilder b = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                            .region(Region.of(region));
                    endpoint.ifPresent(e -> b.endpointOverride(URI.create(e))
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

    /** Whether {@link #get()} has built the client: a function that never sends never builds one. */
    public boolean built() {
        return client != null;
    }
}
