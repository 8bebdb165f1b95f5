package uz.himoya.breach;

import java.util.UUID;

/**
 * Fans an incident's notices out as messages naming ranges of notice numbers (the breachNotifier function
 * consumes them). Messages carry no address: the notice rows are the truth, so a lost message delays
 * notices (the watchdog re-queues them) and a repeated one sends nothing twice. Implemented on SQS by the
 * aws module (uz.himoya.aws.sqs.SqsBreachQueue). Both methods throw if the messages cannot be sent.
 */
public interface BreachQueue {

    /** One message per range of himoya.breach.batch-size notice numbers in [fromSeq, maxSeq]. */
    void enqueue(UUID incident, int fromSeq, int maxSeq);

    /** The same range again after an outage, delayed (at most 15 minutes) so a down SMTP server is not hammered. */
    void retryLater(BreachMessage m, long delaySeconds);

    /**
     * The same range again at once, its retry count unchanged: the invocation that had it ran out of its send
     * budget (himoya.breach.send-budget), not into an outage. The notices it sent are SENT and are skipped.
     */
    void handOn(BreachMessage m);
}
