package uz.himoya.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import jakarta.enterprise.inject.Instance;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uz.himoya.aws.TestConfig;

/**
 * The SQS primer (run by core's SnapStartPriming, see the functions' SnapStartPrimingTest for the whole
 * hook): it builds the function's client and sends once to its own loopback stand-in, never to a queue.
 */
class SqsPrimerTest {

    @Test
    void shouldBuildTheClientAndReachNoQueue_whenTheFunctionUsesSqs() throws Exception {
        // Arrange: the function's client points at ElasticMQ; a queue there shows whether anything arrived
        String url = Elastic.newQueue();
        SqsClients clients = Elastic.clients();
        SqsPrimer primer = new SqsPrimer(instance(clients), TestConfig.of(Map.of("kind", "sqs"), 200));

        // Act
        primer.prime();

        // Assert
        assertThat(clients.built()).isTrue();
        assertThat(Elastic.receiveAll(url)).isEmpty();
        assertThat(primer.name()).isEqualTo("sqs");
    }

    @Test
    void shouldDoNothing_whenTheQueueRunsInProcess() throws Exception {
        SqsClients clients = Elastic.clients();
        SqsPrimer primer = new SqsPrimer(instance(clients), TestConfig.of(Map.of("kind", "in-process"), 200));

        primer.prime();

        assertThat(clients.built()).isFalse();
    }

    @Test
    void shouldSendThroughTheStandIn_whenNoSqsIsReachable() {
        // No endpoint, no credentials, no network: the stand-in on loopback answers as SQS would.
        assertThatCode(() -> SqsPrimer.sendToStandIn("eu-central-1")).doesNotThrowAnyException();
    }

    /** The one method the primer calls on its Instance: get(). */
    @SuppressWarnings("unchecked")
    private static Instance<SqsClients> instance(SqsClients clients) {
        return (Instance<SqsClients>) Proxy.newProxyInstance(Instance.class.getClassLoader(),
                new Class<?>[] {Instance.class}, (p, m, a) -> {
                    if (m.getName().equals("get")) {
                        return clients;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
