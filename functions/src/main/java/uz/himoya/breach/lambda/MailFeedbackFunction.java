package uz.himoya.breach.lambda;

import io.quarkus.funqy.Funq;
import uz.himoya.aws.ses.SesFeedbackEvent;
import uz.himoya.breach.BreachFeedback;
import uz.himoya.lambda.SqsBatchResponse;
import uz.himoya.lambda.SqsEvent;

/**
 * The queue-triggered mail feedback handler (SQS queue mail-feedback, which SES's bounce and complaint events
 * reach through an SNS topic, with raw message delivery). Deployed alone with QUARKUS_FUNQY_EXPORT=mailFeedback;
 * sample event: src/test/resources/events/sqs-ses-feedback.json (a bounce, a complaint).
 */
public class MailFeedbackFunction {
    private final BreachFeedback feedback;

    public MailFeedbackFunction(BreachFeedback feedback) {
        this.feedback = feedback;
    }

    @Funq("mailFeedback")
    public SqsBatchResponse mailFeedback(SqsEvent event) {
        return SqsBatchResponse.of(feedback.processBatch(event.messages(), SesFeedbackEvent::decode));
    }
}
