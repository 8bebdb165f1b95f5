package uz.himoya.retention;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.SqsResource;

/** Test chores for the sweep: invoke the function through the mock event server, drain continuations, snapshot. */
final class Sweeps {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sweeps() {
    }

    /** Fresh demo data, no Himoya records, empty queues. */
    static void reset() {
        Himoya.reset();
        Himoya.drain(RetentionQueueResource.url(), batch -> List.of());
    }

    static Response invoke(String event) {
        return given().contentType(ContentType.JSON).body(event).post(uz.himoya.testing.MockLambda.url());
    }

    static String fixture(String name) {
        try (InputStream in = Sweeps.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Feeds the continuation queue to the function, one received batch at a time, as Lambda's event source
     * mapping would, until it is empty. Returns the number of messages handled.
     */
    static int drainContinuations() {
        int handled = 0;
        while (true) {
            List<Message> got = SqsResource.client().receiveMessage(b -> b.queueUrl(RetentionQueueResource.url())
                    .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (got.isEmpty()) {
                return handled;
            }
            List<String> failed = invoke(sqsEvent(got)).then().statusCode(200).extract().jsonPath()
                    .getList("batchItemFailures.itemIdentifier");
            for (Message m : got) {
                if (failed.contains(m.messageId())) {
                    throw new AssertionError("continuation " + m.body() + " failed");
                }
                SqsResource.client().deleteMessage(b -> b.queueUrl(RetentionQueueResource.url())
                        .receiptHandle(m.receiptHandle()));
                handled++;
            }
        }
    }

    static String sqsEvent(List<Message> messages) {
        List<Map<String, Object>> records = messages.stream().map(m -> Map.<String, Object>of("messageId",
                m.messageId(), "receiptHandle", m.receiptHandle(), "body", m.body(), "attributes",
                Map.of("ApproximateReceiveCount", "1"), "messageAttributes", Map.of(), "md5OfBody", m.md5OfBody(),
                "eventSource", "aws:sqs", "eventSourceARN",
                "arn:aws:sqs:eu-central-1:000000000000:retention-continuations", "awsRegion", "eu-central-1"))
                .toList();
        try {
            return JSON.writeValueAsString(Map.of("Records", records));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The demo tables the rules touch, without their seed timestamps (now() at seeding): what a sweep left.
     */
    static long snapshot() {
        return DemoStore.count("""
                SELECT ('x' || left(md5(string_agg(x, '|' ORDER BY x)), 15))::bit(60)::bigint FROM (
                  SELECT 'u' || id || full_name || email || coalesce(phone, '-') FROM demo_app.users
                  UNION ALL SELECT 'a' || id || coalesce(user_id, 0) || page FROM demo_app.access_logs
                  UNION ALL SELECT 's' || id || user_id || cookie_id FROM demo_app.sessions) t(x)""");
    }

    /** rule -> "rows/batches/status" of a run. */
    static String rules(String runId) {
        return String.join(",", strings("SELECT rule || '=' || rows_affected || '/' || batches || '/' || status"
                + " FROM retention_run_rule WHERE run_id = ?::uuid ORDER BY position", runId));
    }

    static List<String> strings(String query, Object... params) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
