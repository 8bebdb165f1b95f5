package uz.himoya.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.queue.QueueMessage;

/**
 * Test chores against the real servers: reset state, drain the queue, query Himoya's own database (sql, count).
 * The demo apps' data is in their store: query it with {@link DemoStore}. In the aws module's test-jar, not
 * core's: draining the queues takes the SDK, and core has none, not even for its tests.
 */
public final class Himoya {
    private Himoya() {
    }

    /** Fresh demo data in the demo store, empty Himoya tables (keys stay), no mail, no queued messages, no
     * scripted systems. */
    public static void reset() {
        DemoStore.loadDemo();
        sql("TRUNCATE deletion_step, app_store_health, deletion_request, idempotency_record, intake_rate,"
                + " audit_event, breach_notice, breach_incident, legal_hold, retention_run, retention_run_rule,"
                + " retention_rule_claim, watchdog_digest");
        SmtpResource.startServer();
        try {
            SmtpResource.mail().purgeEmailFromAllMailboxes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        drain(batch -> List.of());
        drain(SqsResource.breachUrl(), batch -> List.of());
        SystemTargets.reset();
    }

    /**
     * Receives what is on the erasure queue and hands it to a batch processor, as Lambda's event source
     * mapping would: processed messages are deleted, failed ones made visible again at once.
     * Returns the messages received.
     */
    public static List<Message> drain(Function<List<QueueMessage>, List<String>> processor) {
        return drain(SqsResource.erasureUrl(), processor);
    }

    /** Like {@link #drain(Function)} for any queue. */
    public static List<Message> drain(String queueUrl, Function<List<QueueMessage>, List<String>> processor) {
        return drain(queueUrl, processor, Integer.MAX_VALUE);
    }

    /** At most the given number of receive rounds: for work that re-queues itself (retries with backoff). */
    public static List<Message> drain(String queueUrl, Function<List<QueueMessage>, List<String>> processor,
            int rounds) {
        SqsClient sqs = SqsResource.client();
        List<Message> all = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (got.isEmpty()) {
                return all;
            }
            all.addAll(got);
            List<String> failed = processor.apply(got.stream().map(m -> new QueueMessage(m.messageId(), m.body()))
                    .toList());
            for (Message m : got) {
                if (failed.contains(m.messageId())) {
                    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl)
                            .receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                } else {
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            }
            if (!failed.isEmpty()) {
                return all; // leave redelivery to the next drain, like a visibility timeout would
            }
        }
        return all;
    }

    public static void sql(String statement) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String query, Object... params) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every text and byte value in Himoya's own tables, as text: what a leak check searches. bytea is
     * decoded as UTF-8 so a plaintext stored in a binary column would be found too.
     */
    public static String dumpHimoyaTables() {
        StringBuilder out = new StringBuilder();
        for (String table : List.of("deletion_request", "idempotency_record", "intake_rate", "audit_event",
                "api_key", "breach_incident", "breach_notice")) {
            try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM public." + table)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        out.append(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                                : String.valueOf(v)).append('\n');
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }
}
