package uz.himoya.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import uz.himoya.aws.sqs.SqsBreachQueue;
import uz.himoya.aws.sqs.SqsClients;
import uz.himoya.aws.sqs.SqsJobQueue;
import uz.himoya.aws.sqs.SqsRetentionQueue;
import uz.himoya.queue.InProcessJobQueue;
import uz.himoya.retention.Continuation;
import uz.himoya.retention.InProcessRetentionQueue;

/** How himoya.queue.kind picks each queue, and how a missing setting is reported. */
class QueueProducerTest {
    private final SqsClients clients = new SqsClients("eu-central-1", Optional.empty());

    @Test
    void shouldPickSqs_whenTheKindIsSqs() {
        var config = TestConfig.of(Map.of("kind", "sqs", "erasure-url", "http://q/erasure", "retention-url",
                "http://q/retention", "breach-url", "http://q/breach"), 200);

        assertThat(new QueueProducer().jobQueue(config, clients, null)).isInstanceOf(SqsJobQueue.class);
        assertThat(new QueueProducer().breachQueue(config, clients)).isInstanceOf(SqsBreachQueue.class);
        assertThat(new RetentionQueueProducer().retentionQueue(config, clients, null))
                .isInstanceOf(SqsRetentionQueue.class);
        assertThat(clients.built()).as("no client built before the first send").isFalse();
    }

    @Test
    void shouldPickTheInProcessQueues_whenTheKindIsInProcess() {
        var config = TestConfig.of(Map.of("kind", "in-process"), 200);

        var jobs = new QueueProducer().jobQueue(config, clients, null);
        var continuations = new RetentionQueueProducer().retentionQueue(config, clients, null);

        assertThat(jobs).isInstanceOf(InProcessJobQueue.class);
        assertThat(continuations).isInstanceOf(InProcessRetentionQueue.class);
        ((InProcessJobQueue) jobs).shutdown();
        ((InProcessRetentionQueue) continuations).shutdown();
    }

    @Test
    void shouldNameTheSetting_whenTheErasureUrlIsUnset() {
        var config = TestConfig.of(Map.of("kind", "sqs"), 200);

        assertThatThrownBy(() -> new QueueProducer().jobQueue(config, clients, null))
                .isInstanceOf(IllegalStateException.class).hasMessage("himoya.queue.erasure-url is not set");
    }

    @Test
    void shouldFailOnlyTheHandOn_whenTheRetentionUrlIsUnset() {
        // The function starts; a sweep short of time cannot hand on, and the next scheduled sweep resumes.
        var queue = new RetentionQueueProducer().retentionQueue(TestConfig.of(Map.of("kind", "sqs"), 200), clients,
                null);

        assertThatThrownBy(() -> queue.send(new Continuation(java.util.UUID.randomUUID(), Optional.empty())))
                .isInstanceOf(IllegalStateException.class).hasMessage("himoya.queue.retention-url is not set");
    }

    @Test
    void shouldListTheKinds_whenTheKindIsUnknown() {
        var config = TestConfig.of(Map.of("kind", "kafka"), 200);

        assertThatThrownBy(() -> new QueueProducer().jobQueue(config, clients, null))
                .hasMessage("himoya.queue.kind must be sqs or in-process, not kafka");
        assertThatThrownBy(() -> new RetentionQueueProducer().retentionQueue(config, clients, null))
                .hasMessage("himoya.queue.kind must be sqs or in-process, not kafka");
    }
}
