package uz.himoya.aws.sqs;

import com.sun.net.httpserver.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.snapstart.Primer;

/**
 * SnapStart priming of the SQS client (a {@link Primer}: core's uz.himoya.snapstart.SnapStartPriming runs
 * every such bean before the snapshot). The function's own client is built, with no call; then one send
 * goes through a throwaway client of the same kind to a stand-in for SQS on loopback that this primer runs
 * for the moment and that answers as SQS does: the request marshalling, signing, the HTTP exchange, the
 * response parsing and its MD5 check are loaded as a first real send would load them, and no queue is
 * reached.
 */
@ApplicationScoped
public class SqsPrimer implements Primer {
    private final Instance<SqsClients> clients;
    private final HimoyaConfig config;

    public SqsPrimer(Instance<SqsClients> clients, HimoyaConfig config) {
        this.clients = clients;
        this.config = config;
    }

    @Override
    public String name() {
        return "sqs";
    }

    @Override
    public void prime() throws Exception {
        if (!config.queue().kind().equals("sqs")) {
            return;
        }
        clients.get().get();
        sendToStandIn(config.queue().region());
    }

    /** One SendMessage through a client like the function's, answered by a loopback stand-in for SQS. */
    static void sendToStandIn(String region) throws Exception {
        String body = "{\"priming\":true}";
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                .digest(body.getBytes(StandardCharsets.UTF_8)));
        byte[] answer = ("{\"MD5OfMessageBody\":\"" + md5 + "\",\"MessageId\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        standIn.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            }
        });
        standIn.start();
        String endpoint = "http://127.0.0.1:" + standIn.getAddress().getPort();
        try (SqsClient client = SqsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(region)).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming",
                        "priming")))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build()) {
            client.sendMessage(b -> b.queueUrl(endpoint + "/000000000000/priming").messageBody(body));
        } finally {
            standIn.stop(0);
        }
    }
}
