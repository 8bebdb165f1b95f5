package uz.himoya.retention;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import uz.himoya.testing.SqsResource;

/** The retention continuations queue on the tests' ElasticMQ (started by SqsResource, shared per JVM). */
public class RetentionQueueResource implements QuarkusTestResourceLifecycleManager {
    private static String url;

    @Override
    public Map<String, String> start() {
        return Map.of("himoya.queue.retention-url", url());
    }

    public static synchronized String url() {
        if (url == null) {
            SqsResource.startServer();
            url = SqsResource.client().createQueue(b -> b.queueName("retention-continuations")).queueUrl();
        }
        return url;
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM.
    }
}
