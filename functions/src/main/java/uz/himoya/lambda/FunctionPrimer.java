package uz.himoya.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.quarkus.funqy.lambda.FunqyLambdaBindingRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import uz.himoya.breach.BreachMails;
import uz.himoya.breach.BreachMessage;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.StoreErasure;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.StoreConnections;
import uz.himoya.queue.JobMessages;
import uz.himoya.retention.RetentionPlans;
import uz.himoya.snapstart.Primer;
import uz.himoya.snapstart.Primers;

/**
 * SnapStart priming of the event functions (see uz.himoya.snapstart.SnapStartPriming). The queue
 * functions get an SQS event through the very handler Lambda calls, naming work that does not exist (a
 * random request or incident id, or a bounce of a notice of no incident: nothing is found, nothing
 * changes); the erasure worker also runs each app's erasure statements for a subject key in a transaction
 * that is rolled back; the sweep compiles its plans. The sweep and the watchdog have no harmless event (every run is recorded, a digest mails ops).
 */
@ApplicationScoped
public class FunctionPrimer implements Primer {
    private static final Logger LOG = Logger.getLogger(FunctionPrimer.class);

    private final String export;
    private final AppRegistry apps;
    private final HimoyaConfig config;
    private final StoreConnections stores;
    private final Instance<RetentionPlans> plans;

    public FunctionPrimer(@ConfigProperty(name = "quarkus.funqy.export") Optional<String> export, AppRegistry apps,
            HimoyaConfig config, StoreConnections stores, Instance<RetentionPlans> plans) {
        this.export = export.orElse("");
        this.apps = apps;
        this.config = config;
        this.stores = stores;
        this.plans = plans;
    }

    @Override
    public String name() {
        return "function " + export;
    }

    @Override
    public void prime() throws Exception {
        String body = switch (export) {
            case "erasureWorker" -> JobMessages.body(UUID.randomUUID());
            case "breachNotifier" -> BreachMessage.body(UUID.randomUUID(), 1, 1, 0);
            // An SES bounce for a notice of an incident that does not exist: no row matches, nothing changes.
            case "mailFeedback" -> "{\"eventType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
                    + "\"bounceSubType\":\"General\"},\"mail\":{\"tags\":{\"" + BreachMails.INCIDENT_TAG + "\":[\""
                    + UUID.randomUUID() + "\"],\"" + BreachMails.SEQ_TAG + "\":[\"1\"]}}}";
            default -> null;
        };
        if (export.equals("erasureWorker")) {
            eraseNobody();
        }
        if (export.equals("retentionSweep")) {
            // The sweep's plans are compiled on first use and kept (reads the catalogue, changes nothing).
            config.apps().forEach(plans.get()::rules);
        }
        if (body == null) {
            return;
        }
        LOG.infof("priming %s with a message for an id that does not exist (a 'request/incident unknown' line"
                + " now is the primer's)", export);
        String event = "{\"Records\":[{\"messageId\":\"priming\",\"receiptHandle\":\"priming\",\"body\":"
                + com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(body)
                + ",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"messageAttributes\":{},"
                + "\"eventSource\":\"aws:sqs\",\"eventSourceARN\":\"arn:aws:sqs:priming\",\"awsRegion\":\""
                + config.queue().region() + "\"}]}";
        Context context = Primers.stub(Context.class);
        // What FunqyStreamHandler.handleRequest does once Quarkus has started (as it has when the hook runs).
        FunqyLambdaBindingRecorder.handle(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), context);
    }

    /**
     * Each app's erasure statements, subject lookup first, for a key no subject has, then rolled back: the
     * statements are prepared and run once, nothing is kept (even a matching row would be restored by the
     * rollback).
     */
    private void eraseNobody() throws SQLException {
        for (String appId : config.apps()) {
            if (apps.unavailable(appId).isPresent()) {
                continue; // its store is down: priming must not stop the snapshot of a function other apps need
            }
            AppRegistry.CompiledApp app = apps.require(appId);
            for (PrivacyMap.Store store : app.map().stores()) {
                // The store's pool is closed again before the snapshot (SnapStartPriming).
                try (Connection c = stores.open(store)) {
                    // The worker's isolation (StoreErasure.ISOLATION), so the statements it sends are the ones primed.
                    int isolation = c.getTransactionIsolation();
                    c.setTransactionIsolation(StoreErasure.ISOLATION);
                    c.setAutoCommit(false);
                    try {
                        if (store.name().equals(app.map().subject().store())) {
                            app.subjects().find(c, Optional.of("-1"), Optional.of("priming@himoya.invalid"));
                        }
                        app.eraser(store.name()).erase(c, "-1");
                    } finally {
                        c.rollback();
                        c.setAutoCommit(true);
                        c.setTransactionIsolation(isolation);
                    }
                }
            }
        }
    }
}
