package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The breach fan-out against AWS's limits, read back from the synthesized template (issue 12, part 1): the
 * notices one invocation takes fit its timeout at its send rate with margin, and all instances together stay
 * within the SES account's quota. From the same settings the functions get: the event source's batch size and
 * maximum concurrency, the notices per message, the rate and the send budget, the function's timeout.
 */
class BreachFanOutTest {

    @ParameterizedTest(name = "sesMaxSendRate {0}, maxConcurrency {1}")
    @CsvSource({"14, 5", "1, 2", "1, 5", "14, 50", "50, 2", "200, 10", "14, 1000"})
    void shouldFitTheTimeoutAndTheQuota_whenStackIsSynthesized(double quota, int concurrency) {
        SynthesizedStack stack = SynthesizedStack.synthesize(Map.of("sesMaxSendRate", Double.toString(quota),
                "maxConcurrency", Integer.toString(concurrency)));
        String notifierId = stack.functionId("breach-notifier");
        JsonNode notifier = stack.resource(notifierId);
        String alias = stack.aliasId(notifierId, "live");
        JsonNode mapping = stack.resources("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> SynthesizedStack.referencedIds(m.at("/Properties/FunctionName")).contains(alias))
                .findFirst().orElseThrow();
        JsonNode env = notifier.at("/Properties/Environment/Variables");

        int timeout = notifier.at("/Properties/Timeout").asInt();
        int messages = mapping.at("/Properties/BatchSize").asInt();
        int maxInstances = mapping.at("/Properties/ScalingConfig/MaximumConcurrency").asInt();
        int notices = Integer.parseInt(env.path("HIMOYA_BREACH_BATCH_SIZE").asText());
        double rate = Double.parseDouble(env.path("HIMOYA_BREACH_RATE_PER_SECOND").asText());
        double budget = Duration.parse(env.path("HIMOYA_BREACH_SEND_BUDGET").asText()).toMillis() / 1000.0;
        double margin = BreachFanOut.MARGIN.toSeconds();

        // A whole invocation's work at its rate, plus the margin, within the timeout.
        assertTrue(messages * notices / rate + margin <= timeout, messages + " x " + notices + " notices at " + rate
                + "/s + " + margin + " s > " + timeout + " s");
        // Where the budget stops it instead: the budget, one wait for the next token and the margin.
        assertTrue(budget + 1 / rate + margin <= timeout, "budget " + budget + " s + a token's wait + margin > "
                + timeout + " s");
        assertTrue(messages * notices / rate <= budget + 1e-9, "a whole message fits the send budget");
        // All instances together within the part of the quota breach notices may use.
        assertTrue(rate * maxInstances <= quota * BreachFanOut.SES_SHARE + 1e-9, rate + "/s x " + maxInstances
                + " > " + BreachFanOut.SES_SHARE + " x " + quota);
        // No instance crawls: more instances than the quota feeds at a mail a second are not started.
        assertTrue(rate >= Math.min(BreachFanOut.MIN_RATE_PER_INSTANCE, quota * BreachFanOut.SES_SHARE / 2) - 1e-9,
                rate + "/s per instance");
        assertTrue(maxInstances >= 2 && maxInstances <= concurrency, maxInstances + " instances");
        assertTrue(notices >= 1 && notices <= BreachFanOut.MAX_NOTICES_PER_MESSAGE);
        assertEquals(1, messages);

        // Every function that queues notices cuts the same messages.
        for (String producer : new String[] {"http-api", "deadline-watchdog"}) {
            assertEquals(String.valueOf(notices), stack.resource(stack.functionId(producer))
                    .at("/Properties/Environment/Variables/HIMOYA_BREACH_BATCH_SIZE").asText(), producer);
        }
    }

    @ParameterizedTest
    @CsvSource({"0.5", "0", "-3", "20000", "abc", "NaN"})
    void shouldRefuseAQuotaThatIsNoSesRate_whenSettingsAreRead(String quota) {
        assertThrows(IllegalArgumentException.class, () -> HimoyaSettings.from(Map.<String, Object>of(
                "sesMaxSendRate", quota)::get, k -> null));
    }
}
