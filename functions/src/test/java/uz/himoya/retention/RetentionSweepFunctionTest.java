package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.Himoya.count;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * The retentionSweep function through the Lambda mock event server, fed real schedule and SQS event JSON.
 * The demo seed has, past retention: 20 access logs older than 90 days (users 1003 and 1005), 2 sessions of
 * 1003 unused for over 30 days, and user 1003 (Anna), created and last signed in over two years ago.
 * Batches are 4 rows (RetentionSweepProfile), so access_logs takes 6 batches: 5 full, 1 finding nothing.
 */
@QuarkusTest
@TestProfile(RetentionSweepProfile.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(RetentionQueueResource.class)
class RetentionSweepFunctionTest {
    static final String OLD_LOGS = "SELECT count(*) FROM demo_app.access_logs WHERE accessed_at < now() - interval '90 days'";

    @jakarta.inject.Inject
    RetentionWatch watch;

    @BeforeEach
    void reset() {
        Sweeps.reset();
    }

    @AfterEach
    void cleanUp() {
        DemoStore.sql("DROP TRIGGER IF EXISTS fail_sweep ON demo_app.access_logs;"
                + " DROP SEQUENCE IF EXISTS demo_app.sweep_batches");
    }

    @Test
    void shouldSweepExpiredDemoRows_whenSchedulerEventArrives() {
        // Act
        JsonPath out = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200)
                .extract().jsonPath();

        // Assert: one completed run, per rule what was removed
        assertThat(out.getList("runs")).hasSize(1);
        assertThat(out.getString("runs[0].status")).isEqualTo("COMPLETED");
        assertThat(out.getString("runs[0].trigger")).isEqualTo("schedule");
        assertThat(out.getLong("runs[0].rules.find { it.rule == 'access_logs' }.rowsAffected")).isEqualTo(20);
        assertThat(out.getInt("runs[0].rules.find { it.rule == 'access_logs' }.batches")).isEqualTo(6);
        // How far the walk got is a date; the row identity of the cursor is never shown (sealed, then dropped)
        assertThat(out.getString("runs[0].rules.find { it.rule == 'access_logs' }.reached")).isNotBlank();
        assertThat(out.getString("runs[0].rules.find { it.rule == 'access_logs' }")).doesNotContain("key", "ctid");
        assertThat(Sweeps.strings("SELECT count(*) FROM retention_run_rule WHERE cursor_key IS NOT NULL"))
                .containsExactly("0");
        assertThat(out.getLong("runs[0].rules.find { it.rule == 'sessions' }.rowsAffected")).isEqualTo(2);
        assertThat(out.getLong("runs[0].rules.find { it.rule == 'users' }.rowsAffected")).isEqualTo(1);
        assertThat(out.getString("runs[0].rules.find { it.rule == 'users' }.action")).isEqualTo("ANONYMIZE");
        assertThat(DemoStore.count(OLD_LOGS)).isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs")).isEqualTo(180);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.sessions WHERE user_id = 1003")).isEqualTo(3);
        // Anna's account is anonymized, not deleted (orders would still point at it); the others are untouched
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1003 AND full_name = '[erased]'"
                + " AND email ~ '^[0-9a-f]{64}$' AND phone IS NULL")).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE full_name = '[erased]'")).isEqualTo(1);
    }

    @Test
    void shouldChangeNothing_whenSweepRunsAgain() {
        Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200);
        long afterFirst = Sweeps.snapshot();

        JsonPath again = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200)
                .extract().jsonPath();

        // The keyed-hash pseudonym is not hashed twice: anonymizing is idempotent
        assertThat(Sweeps.snapshot()).isEqualTo(afterFirst);
        assertThat(again.getList("runs[0].rules.rowsAffected", Long.class)).containsOnly(0L);
    }

    @Test
    void shouldEndAsOneUninterruptedRun_whenTinyBudgetForcesContinuations() {
        // Arrange + Act: a zero budget lets every invocation do one batch, then hand on through SQS
        JsonPath first = Sweeps.invoke("{\"app\":\"demo\",\"timeBudget\":\"PT0S\"}").then().statusCode(200)
                .extract().jsonPath();
        assertThat(first.getString("runs[0].status")).isEqualTo("RUNNING");
        String chainedRun = first.getString("runs[0].id");
        int continuations = Sweeps.drainContinuations();
        long chained = Sweeps.snapshot();
        String chainedRules = Sweeps.rules(chainedRun);
        List<String> chainedRecord = Sweeps.strings("SELECT status || ':' || continuations FROM retention_run"
                + " WHERE id = ?::uuid", chainedRun);

        Sweeps.reset();
        String wholeRun = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200)
                .extract().path("runs[0].id");

        // Assert: the same rows removed, the same batches, the same per-rule record
        assertThat(continuations).isGreaterThanOrEqualTo(10);
        assertThat(chainedRecord).containsExactly("COMPLETED:" + continuations);
        assertThat(Sweeps.snapshot()).isEqualTo(chained);
        assertThat(Sweeps.rules(wholeRun)).isEqualTo(chainedRules);
        assertThat(chainedRules).contains("access_logs=20/6/DONE", "sessions=2/1/DONE", "users=1/1/DONE");
    }

    @Test
    void shouldRollBackTheBatchFailTheRunAndAlertOps_whenTheAppsTriggerKeepsPickedRows() {
        // Arrange: a trigger of the app's keeps John's (1005) access logs from being deleted
        DemoStore.sql("""
                CREATE OR REPLACE FUNCTION demo_app.keep_john() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF OLD.user_id = 1005 THEN RETURN NULL; END IF;
                  RETURN OLD;
                END $$;
                CREATE TRIGGER fail_sweep BEFORE DELETE ON demo_app.access_logs FOR EACH ROW
                  EXECUTE FUNCTION demo_app.keep_john();""");

        // Act
        JsonPath out = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200)
                .extract().jsonPath();

        // Assert: the batch that met the trigger left nothing behind, the rule and the run say why, the other
        // rules ran, and the watchdog reports the failed sweep to ops
        assertThat(out.getString("runs[0].status")).isEqualTo("FAILED");
        assertThat(out.getString("runs[0].rules.find { it.rule == 'access_logs' }.status")).isEqualTo("FAILED");
        assertThat(out.getString("runs[0].rules.find { it.rule == 'access_logs' }.error")).isEqualTo("row-guard");
        assertThat(out.getLong("runs[0].rules.find { it.rule == 'sessions' }.rowsAffected")).isEqualTo(2);
        long committed = out.getLong("runs[0].rules.find { it.rule == 'access_logs' }.rowsAffected");
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20 - committed);
        assertThat(DemoStore.count(OLD_LOGS + " AND user_id = 1005")).isEqualTo(10);
        assertThat(watch.alerts(java.time.Instant.now(), java.time.Instant.now())).singleElement()
                .satisfies(a -> assertThat(a).extracting(uz.himoya.watchdog.DeadlineAlert::kind,
                        uz.himoya.watchdog.DeadlineAlert::note, uz.himoya.watchdog.DeadlineAlert::opsOnly)
                        .containsExactly("retention-run", "row-guard", true));
    }

    @Test
    void shouldKeepCommittedBatchesAndResumeFromCursor_whenDatabaseFailsMidSweep() {
        // Arrange: the third DELETE on access_logs fails as a lost connection would
        DemoStore.sql("""
                CREATE SEQUENCE demo_app.sweep_batches;
                CREATE OR REPLACE FUNCTION demo_app.fail_third() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF nextval('demo_app.sweep_batches') = 3 THEN
                    RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006';
                  END IF;
                  RETURN NULL;
                END $$;
                CREATE TRIGGER fail_sweep AFTER DELETE ON demo_app.access_logs
                  FOR EACH STATEMENT EXECUTE FUNCTION demo_app.fail_third();""");

        // Act 1: the invocation fails, with a clear message
        Response failed = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json"));
        assertThat(failed.statusCode()).isNotEqualTo(200);
        assertThat(failed.asString()).contains("interrupted").contains("sql-08006");

        // Assert 1: the two committed batches stay, with their cursor; the run waits to be resumed
        String run = Sweeps.strings("SELECT id::text FROM retention_run").get(0);
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(12);
        assertThat(Sweeps.strings("SELECT status || ':' || rows_affected || ':' || batches || ':' || error"
                + " || ':' || (cursor_key IS NOT NULL) FROM retention_run_rule WHERE rule = 'access_logs'"))
                .containsExactly("RUNNING:8:2:sql-08006:true");
        assertThat(Sweeps.strings("SELECT status FROM retention_run")).containsExactly("RUNNING");

        // Act 2: the database is back; the next scheduled sweep resumes the same run
        DemoStore.sql("DROP TRIGGER fail_sweep ON demo_app.access_logs");
        JsonPath resumed = Sweeps.invoke(Sweeps.fixture("scheduler-retention-demo.json")).then().statusCode(200)
                .extract().jsonPath();

        // Assert 2
        assertThat(resumed.getString("runs[0].id")).isEqualTo(run);
        assertThat(resumed.getString("runs[0].status")).isEqualTo("COMPLETED");
        assertThat(resumed.getInt("runs[0].invocations")).isEqualTo(2);
        assertThat(Sweeps.rules(run)).contains("access_logs=20/6/DONE", "users=1/1/DONE");
        assertThat(DemoStore.count(OLD_LOGS)).isZero();
    }

    @Test
    void shouldSweepEveryApp_whenPlainEventBridgeScheduleFires() {
        JsonPath out = Sweeps.invoke(Sweeps.fixture("scheduled-event.json")).then().statusCode(200).extract()
                .jsonPath();

        assertThat(out.getList("runs.appId", String.class)).containsExactlyInAnyOrder("demo", "demo-kg", "demo-eu");
        assertThat(out.getList("runs.status", String.class)).containsOnly("COMPLETED");
        assertThat(DemoStore.count(OLD_LOGS)).isZero();
    }

    @Test
    void shouldRedeliverOnlyThePoisonMessage_whenContinuationBatchHasOne() {
        String run = Sweeps.invoke("{\"app\":\"demo\",\"timeBudget\":\"PT0S\"}").then().statusCode(200).extract()
                .path("runs[0].id");
        List<Message> real = SqsResource.client().receiveMessage(b -> b.queueUrl(RetentionQueueResource.url())
                .maxNumberOfMessages(10)).messages();
        assertThat(real).hasSize(1);
        SqsResource.client().deleteMessage(b -> b.queueUrl(RetentionQueueResource.url())
                .receiptHandle(real.get(0).receiptHandle()));

        JsonPath out = Sweeps.invoke(Sweeps.fixture("sqs-retention-continuation.json").replace("${runId}", run))
                .then().statusCode(200).extract().jsonPath();

        assertThat(out.getList("batchItemFailures.itemIdentifier"))
                .containsExactly("0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e");
        assertThat(count("SELECT invocations FROM retention_run WHERE id = ?::uuid", run)).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"app\":\"nope\"} | app: is not an app this deployment serves",
            "{\"app\":\"demo\",\"rules\":[\"orders\"]} | rules[0]: is not a rule of this app; valid: [",
            "{\"rules\":[\"access_logs\"]} | rules: name the app",
            "{\"app\":\"demo\",\"timeBudget\":\"5 minutes\"} | timeBudget: must be an ISO-8601 duration",
            "{\"app\":\"demo\",\"dryrun\":true} | dryrun: is not a known field",
            "{\"app\":\"demo\",\"app\":\"*\"} | Duplicate field",
            "{\"app\":\"demo\",\"timeBudget\":\"-PT5M\"} | timeBudget: must not be negative",
            "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{}} | unsupported EventBridge event",
            "{\"detail-type\":\"Scheduled Event\",\"detail\":{\"app\":42}} | app: must be a string" })
    void shouldFailWithClearMessageAndChangeNothing_whenEventIsBad(String event, String message) {
        Response r = Sweeps.invoke(event);

        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(r.asString()).contains(message);
        assertThat(count("SELECT count(*) FROM retention_run")).isZero();
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20);
    }
}
