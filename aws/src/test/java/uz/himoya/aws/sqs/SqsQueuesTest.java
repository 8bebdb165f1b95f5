package uz.himoya.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import uz.himoya.breach.BreachMessage;
import uz.himoya.queue.JobMessages;
import uz.himoya.retention.Continuation;

/** The SQS implementations of core's queue ports, against a real SQS-compatible server (ElasticMQ). */
class SqsQueuesTest {
    private final SqsClients clients = Elastic.clients();

    @Test
    void shouldSendTheJobMessage_whenARequestIsEnqueued() {
        String url = Elastic.newQueue();
        UUID request = UUID.randomUUID();

        new SqsJobQueue(clients, url).enqueue(request);

        List<Message> got = Elastic.receiveAll(url);
        assertThat(got).hasSize(1);
        assertThat(JobMessages.requestId(got.get(0).body())).contains(request);
    }

    @Test
    void shouldHoldTheJobBack_whenEnqueuedLater() {
        String url = Elastic.newQueue();

        new SqsJobQueue(clients, url).enqueueLater(UUID.randomUUID(), Duration.ofSeconds(90));
        // Beyond SQS' 15-minute limit: cut to it, so SQS takes the message instead of refusing it.
        new SqsJobQueue(clients, url).enqueueLater(UUID.randomUUID(), Duration.ofHours(2));

        assertThat(Elastic.receiveAll(url)).isEmpty();
        assertThat(Elastic.delayed(url)).isEqualTo(2);
    }

    @Test
    void shouldFailTheSend_whenTheQueueDoesNotExist() {
        String gone = Elastic.endpoint() + "/000000000000/no-such-queue";

        assertThatThrownBy(() -> new SqsJobQueue(clients, gone).enqueue(UUID.randomUUID()))
                .isInstanceOf(QueueDoesNotExistException.class);
    }

    @Test
    void shouldCoverEveryNoticeOnce_whenAnIncidentFansOut() {
        // Arrange: 2,345 notices in ranges of 100 are 24 messages, so three SendMessageBatch calls (10, 10, 4)
        String url = Elastic.newQueue();
        UUID incident = UUID.randomUUID();

        // Act
        new SqsBreachQueue(clients, Optional.of(url), 100).enqueue(incident, 1, 2345);

        // Assert: contiguous ranges from 1 to 2,345, none twice, none retried yet
        List<BreachMessage> ranges = Elastic.receiveAll(url).stream()
                .map(m -> BreachMessage.parse(m.body()).orElseThrow())
                .sorted(Comparator.comparingInt(BreachMessage::fromSeq)).toList();
        assertThat(ranges).hasSize(24).allMatch(r -> r.incident().equals(incident) && r.retry() == 0);
        int next = 1;
        for (BreachMessage r : ranges) {
            assertThat(r.fromSeq()).isEqualTo(next);
            next = r.toSeq() + 1;
        }
        assertThat(next).isEqualTo(2346);
    }

    @Test
    void shouldStartAtTheFirstNoticeLeft_whenAnIncidentIsRequeued() {
        String url = Elastic.newQueue();

        new SqsBreachQueue(clients, Optional.of(url), 200).enqueue(UUID.randomUUID(), 401, 450);

        assertThat(Elastic.receiveAll(url)).singleElement()
                .satisfies(m -> assertThat(BreachMessage.parse(m.body()).orElseThrow().fromSeq()).isEqualTo(401))
                .satisfies(m -> assertThat(BreachMessage.parse(m.body()).orElseThrow().toSeq()).isEqualTo(450));
    }

    @Test
    void shouldSendTheRangeAgainDelayed_whenANoticeBatchIsRetried() {
        String url = Elastic.newQueue();
        BreachMessage m = new BreachMessage(UUID.randomUUID(), 1, 200, 2);

        // An hour is more than SQS holds a message: cut to its 15 minutes.
        new SqsBreachQueue(clients, Optional.of(url), 200).retryLater(m, 3600);

        assertThat(Elastic.receiveAll(url)).isEmpty();
        assertThat(Elastic.delayed(url)).isEqualTo(1);
    }

    @Test
    void shouldNameTheSetting_whenTheBreachUrlIsUnset() {
        SqsClients unused = new SqsClients("eu-central-1", Optional.empty());
        SqsBreachQueue queue = new SqsBreachQueue(unused, Optional.empty(), 200);

        assertThatThrownBy(() -> queue.enqueue(UUID.randomUUID(), 1, 10)).isInstanceOf(IllegalStateException.class)
                .hasMessage("himoya.queue.breach-url is not set");
        assertThatThrownBy(() -> queue.retryLater(new BreachMessage(UUID.randomUUID(), 1, 1, 0), 5))
                .hasMessage("himoya.queue.breach-url is not set");
    }

    @Test
    void shouldSendTheContinuation_whenASweepHandsOn() {
        String url = Elastic.newQueue();
        Continuation k = new Continuation(UUID.randomUUID(), Optional.of(Duration.ofMinutes(5)));

        new SqsRetentionQueue(clients, url).send(k);

        assertThat(Elastic.receiveAll(url)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(k.body()));
    }

    @Test
    void shouldBuildOneClientOnFirstUse_whenAskedTwice() {
        SqsClients fresh = Elastic.clients();
        assertThat(fresh.built()).as("built before first use").isFalse();

        var first = fresh.get();

        assertThat(fresh.get()).isSameAs(first);
        assertThat(fresh.built()).isTrue();
    }
}
