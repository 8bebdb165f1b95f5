package uz.himoya.aws.sqs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import uz.himoya.testing.SqsResource;

/** A fresh queue per test on the shared ElasticMQ server, and what is on it. */
final class Elastic {
    private Elastic() {
    }

    static String newQueue() {
        SqsResource.startServer();
        return SqsResource.client().createQueue(b -> b.queueName("aws-test-" + UUID.randomUUID())).queueUrl();
    }

    /** The clients the module builds, pointed at ElasticMQ as himoya.queue.endpoint would point them. */
    static SqsClients clients() {
        SqsResource.startServer();
        return new SqsClients("eu-central-1", Optional.of(endpoint()));
    }

    static String endpoint() {
        return SqsResource.endpoint();
    }

    /** Every visible message, received once (and left to become visible again much later). */
    static List<Message> receiveAll(String url) {
        SqsClient sqs = SqsResource.client();
        List<Message> all = new java.util.ArrayList<>();
        for (List<Message> got; !(got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                .visibilityTimeout(600).waitTimeSeconds(0)).messages()).isEmpty();) {
            all.addAll(got);
        }
        return all;
    }

    static int delayed(String url) {
        Map<QueueAttributeName, String> a = SqsResource.client().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }
}
