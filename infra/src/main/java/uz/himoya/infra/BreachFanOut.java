package uz.himoya.infra;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the breach fan-out fits AWS's limits, derived from the deploy's settings (issue 12, part 1):
 *
 * <ul>
 * <li><b>Rate across all instances.</b> SES counts its maximum send rate per account and region (14 mails a
 * second on a new production account, 1 in the sandbox: {@code sesMaxSendRate}). Breach notices get
 * {@value #SES_SHARE} of it; the rest is left to the verification, confirmation and digest mails, which go
 * out one per request. The event source runs at most {@code maxConcurrency} notifier instances at once, so each
 * sends at that share divided by maxConcurrency: together they never exceed the account's quota, whatever the
 * incident's size (the rate limiter in the function counts per instance: BreachNotifier). Where the share would
 * give an instance less than {@value #MIN_RATE_PER_INSTANCE} mail a second, the notifier runs on fewer instances
 * instead (at least AWS's 2), each faster.</li>
 * <li><b>Work within the timeout.</b> One SQS message per invocation (batch size 1), of at most as many notices as
 * the per-instance rate sends in the send budget. The send budget is the timeout less {@link #MARGIN} (start
 * or restore, the claim, the last marks) and less one wait for the rate limiter's next token; a notifier that
 * reaches it hands the rest of its range on as a new message (BreachNotifier), so no invocation is cut off by
 * the timeout between a send and its mark.</li>
 * </ul>
 *
 * QueueWorkersTest and BreachFanOutTest assert these sums on the synthesized template.
 */
record BreachFanOut(int instances, double ratePerInstance, int noticesPerMessage, Duration sendBudget) {

    /** The notifier's timeout: a message of 200 notices at a few per second, with room to spare. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** The event source's batch size: one message per invocation, so the message alone must fit the timeout. */
    static final int MESSAGES_PER_INVOCATION = 1;
    /** What an invocation spends besides sending: start or restore, reading the incident, claiming, marking. */
    static final Duration MARGIN = Duration.ofSeconds(20);
    /** The part of the SES quota breach notices may use. */
    static final double SES_SHARE = 0.8;
    /** More notices per message only make a redelivery larger: the rate, not the message, sets the pace. */
    static final int MAX_NOTICES_PER_MESSAGE = 200;
    /**
     * Instances beyond the quota's share at one mail a second each would not send faster, only slower each (a
     * thousand instances on 14/s would wait 89 s per mail): the notifier's concurrency is capped there.
     */
    static final double MIN_RATE_PER_INSTANCE = 1.0;
    /** AWS's lowest maximum concurrency for an SQS event source. */
    static final int MIN_INSTANCES = 2;

    static BreachFanOut of(HimoyaSettings settings) {
        double share = settings.sesMaxSendRate() * SES_SHARE;
        int instances = (int) Math.max(MIN_INSTANCES, Math.min(settings.maxConcurrency(),
                Math.floor(share / MIN_RATE_PER_INSTANCE)));
        double rate = share / instances;
        // The rate limiter's last wait can pass the budget by up to one token's interval.
        Duration budget = TIMEOUT.minus(MARGIN).minusMillis((long) Math.ceil(1000 / rate));
        int notices = (int) Math.max(1, Math.min(MAX_NOTICES_PER_MESSAGE, Math.floor(rate * budget.toMillis() / 1000)));
        return new BreachFanOut(instances, rate, notices, budget);
    }

    /** What the functions read (himoya.breach.*): the producers need the message size, the notifier all three. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HIMOYA_BREACH_BATCH_SIZE", Integer.toString(noticesPerMessage));
        env.put("HIMOYA_BREACH_RATE_PER_SECOND", Double.toString(ratePerInstance));
        env.put("HIMOYA_BREACH_SEND_BUDGET", sendBudget.toString());
        return env;
    }
}
