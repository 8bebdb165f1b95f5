package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * Issue 11: Himoya's own database stays Himoya's alone. The demo app's data lives on a PostgreSQL server of its
 * own, and a deletion still runs end to end: the erasure and its ledger row land in the app's store, the step
 * and the receipt in Himoya's database, and nothing of the app is created beside Himoya's tables.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class AppStoreSeparationTest {
    static final String KEY = "Bearer demo-test-key";

    @Inject
    DeletionWorker worker;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    @Test
    void shouldKeepTheAppsDataOutOfHimoyasDatabase_whenTheDemoStoreIsItsOwnServer() {
        // Assert: two servers; the app's schema only in its own
        assertThat(DemoStore.sharesHimoyaServer()).isFalse();
        assertThat(DemoStore.port()).isNotEqualTo(EmbeddedDatabase.get().getPort());
        assertThat(EmbeddedDatabase.hasSchema("demo_app")).isFalse();
        assertThat(DemoStore.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'demo_app'")).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
    }

    @Test
    void shouldEraseInTheAppsOwnServer_whenADeletionRunsEndToEnd() {
        // Arrange: Sherzod (user 1002), signed in, deletes his profile from the app (verified by the app)
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1002\"},\"verified\":true}")
                .post("/v1/deletion-requests").then().statusCode(202).extract().path("id");

        // Act: the worker takes the job from the queue
        Himoya.drain(worker::processBatch);

        // Assert: completed with a receipt that counts what the store erased
        JsonPath done = given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then()
                .statusCode(200).extract().jsonPath();
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getBoolean("receipt.subjectFound")).isTrue();
        assertThat(done.getList("receipt.tables.table")).contains("users");
        // the store: the subject's rows gone, one ledger row for the request, the other users there
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users")).isEqualTo(5);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.himoya_ledger WHERE request_id = ?",
                UUID.fromString(id))).isEqualTo(1);
        // Himoya's database: the store's step done, and still nothing of the app's
        assertThat(Himoya.count("SELECT count(*) FROM deletion_step WHERE request_id = ?::uuid AND part = 'shop'"
                + " AND status = 'DONE'", id)).isEqualTo(1);
        assertThat(EmbeddedDatabase.hasSchema("demo_app")).isFalse();
        assertThat(Himoya.count("SELECT count(*) FROM pg_tables WHERE tablename = 'himoya_ledger'")).isZero();
    }

    @Test
    void shouldCompleteWithTheLedgersCountsAndSayItRecovered_whenTheStoreCommittedBeforeHimoyaHeardOfIt() {
        // Arrange: Sherzod's request, and the ledger row a worker left when it died between the store's commit
        // and Himoya's (the rows it erased are a count here: the store is not touched again)
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1002\"},\"verified\":true}")
                .post("/v1/deletion-requests").then().statusCode(202).extract().path("id");
        DemoStore.sql("INSERT INTO demo_app.himoya_ledger (request_id, step, counts) VALUES ('" + UUID.fromString(id)
                + "', 'erasure', '{\"users\":1}')");

        // Act
        Himoya.drain(worker::processBatch);

        // Assert: completed at the first try with the first run's count, nothing erased twice, and the
        // recovery in the audit trail (written after the step's own commit, outside any transaction)
        JsonPath done = given().header("Authorization", KEY).get("/v1/deletion-requests/" + id).then()
                .statusCode(200).extract().jsonPath();
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getLong("receipt.tables.find { it.table == 'users' }.rows")).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isEqualTo(1);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND attempts = 0"
                + " AND last_error IS NULL", id)).isEqualTo(1);
        assertThat(Himoya.count("SELECT count(*) FROM audit_event WHERE request_id = ?::uuid"
                + " AND event = 'store-erasure-recovered' AND detail = 'store=shop'", id)).isEqualTo(1);
    }
}
