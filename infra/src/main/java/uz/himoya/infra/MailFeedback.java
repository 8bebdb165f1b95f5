package uz.himoya.infra;

import java.util.List;

import software.amazon.awscdk.services.ses.ConfigurationSet;
import software.amazon.awscdk.services.ses.ConfigurationSetEventDestinationOptions;
import software.amazon.awscdk.services.ses.EmailSendingEvent;
import software.amazon.awscdk.services.ses.EventDestination;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.SqsSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * What SES reports after it accepted a mail (issue 12, part 2): a configuration set every Himoya mail names
 * (HIMOYA_MAIL_SES_CONFIGURATION_SET, written as X-SES-CONFIGURATION-SET by MailGateway), whose event destination
 * publishes bounces and complaints to an SNS topic; the topic delivers them to the mail-feedback queue with raw
 * message delivery (the body is SES's event record itself, as SesFeedbackEvent reads it), and the mail-feedback
 * function marks the breach notice they name BOUNCED or complained, so the incident's report stays true after
 * SES accepted a notice the receiving side then returned.
 */
final class MailFeedback extends Construct {

    /** The events a notice's report needs; deliveries, opens and clicks are not tracked. */
    static final List<EmailSendingEvent> EVENTS = List.of(EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT);

    private final ConfigurationSet configurationSet;
    private final Topic topic;

    MailFeedback(Construct scope, String id, HimoyaSettings settings) {
        super(scope, id);
        configurationSet = ConfigurationSet.Builder.create(this, "ConfigurationSet")
                .configurationSetName(settings.prefix() + "-mail")
                .build();
        topic = Topic.Builder.create(this, "Topic")
                .topicName(settings.prefix() + "-mail-feedback")
                .displayName("Himoya " + settings.stage() + " SES bounces and complaints")
                .enforceSsl(true)
                .build();
        // EventDestination.snsTopic also lets SES (for this account and configuration set) publish to the topic.
        configurationSet.addEventDestination("Feedback", ConfigurationSetEventDestinationOptions.builder()
                .destination(EventDestination.snsTopic(topic))
                .events(EVENTS)
                .build());
    }

    /** The name every function's mails give in X-SES-CONFIGURATION-SET (a reference, so it exists first). */
    String configurationSetName() {
        return configurationSet.getConfigurationSetName();
    }

    ConfigurationSet configurationSet() {
        return configurationSet;
    }

    /** The handler's queue gets SES's records as they are (raw delivery: no SNS envelope around them). */
    void deliverTo(IQueue queue) {
        topic.addSubscription(SqsSubscription.Builder.create(queue).rawMessageDelivery(true).build());
    }
}
