package uz.himoya.breach.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.breach.BreachMessage;
import uz.himoya.breach.BreachService;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * An invocation stops sending when its send budget is spent and hands the rest of its range on as a new SQS
 * message, so a large batch never meets the function's timeout halfway through a send (issue 12, part 1).
 * Through the mock event server, real SQS (ElasticMQ), PostgreSQL and SMTP: one message of 6 notices at 1 per
 * second with a budget of 1.5 s sends 2 per invocation (at about 0 s and 1 s; the third token comes at 2 s).
 */
@QuarkusTest
@TestProfile(BreachSendBudgetFunctionTest.SlowNotifier.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class BreachSendBudgetFunctionTest {

    public static class SlowNotifier implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "breachNotifier", "himoya.breach.batch-size", "6",
                    "himoya.breach.rate-per-second", "1", "himoya.breach.send-budget", "PT1.5S");
        }
    }

    @Inject
    BreachService breaches;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    @Test
    void shouldHandTheRestOnAsANewMessage_whenTheSendBudgetIsSpent() throws Exception {
        // Arrange: every demo user affected, one message of 6 notices
        BreachNotifierFunctionTest.registerForEveryone(breaches, Instant.now());
        List<Message> first = BreachNotifierFunctionTest.receiveAll();
        assertThat(first).hasSize(1);
        BreachMessage range = BreachMessage.parse(first.get(0).body()).orElseThrow();

        // Act
        JsonPath out = BreachNotifierFunctionTest.invoke(BreachNotifierFunctionTest.event(first));

        // Assert: the message is done with, 2 sent, the other 4 back to PENDING, the same range queued again
        assertThat(out.getList("batchItemFailures")).isEmpty();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(2);
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE status = 'SENT'")).isEqualTo(2);
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE status = 'PENDING'")).isEqualTo(4);
        List<Message> next = BreachNotifierFunctionTest.receiveAll();
        assertThat(next).hasSize(1);
        assertThat(BreachMessage.parse(next.get(0).body())).as("same range, not counted as a retry")
                .contains(range);

        // Act: the invocations that follow take the handed-on messages until none is left
        for (int i = 0; i < 5 && !next.isEmpty(); i++) {
            BreachNotifierFunctionTest.invoke(BreachNotifierFunctionTest.event(next));
            next = BreachNotifierFunctionTest.receiveAll();
        }

        // Assert: every notice once, the incident complete
        assertThat(next).isEmpty();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(6);
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE status = 'SENT' AND address IS NULL"
                + " AND sealed_address IS NULL"))
                .isEqualTo(6);
        assertThat(Himoya.count("SELECT count(*) FROM breach_incident WHERE status = 'COMPLETED'")).isEqualTo(1);
    }
}
