package uz.himoya.breach.lambda;

import io.quarkus.funqy.Funq;
import uz.himoya.breach.BreachNotifier;
import uz.himoya.lambda.SqsBatchResponse;
import uz.himoya.lambda.SqsEvent;

/**
 * The queue-triggered breach notifier (SQS queue breach-notices). Deployed alone with
 * QUARKUS_FUNQY_EXPORT=breachNotifier; sample event: src/test/resources/events/sqs-breach.json.
 */
public class BreachNotifierFunction {
    private final BreachNotifier notifier;

    public BreachNotifierFunction(BreachNotifier notifier) {
        this.notifier = notifier;
    }

    @Funq("breachNotifier")
    public SqsBatchResponse breachNotifier(SqsEvent event) {
        return SqsBatchResponse.of(notifier.processBatch(event.messages()));
    }
}
