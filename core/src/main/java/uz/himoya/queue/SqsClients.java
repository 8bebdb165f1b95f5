package uz.himoya.queue;

import java.net.URI;
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
    private final HimoyaConfig.Queue config;
    private volatile SqsClient client;

    public SqsClients(HimoyaConfig.Queue config) {
        this.config = config;
    }

    public SqsClient get() {
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
