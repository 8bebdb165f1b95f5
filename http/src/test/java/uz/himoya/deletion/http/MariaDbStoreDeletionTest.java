package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.MariaDbResource;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * A deletion for app demo-kg, whose data lives in its own MariaDB (not in Himoya's PostgreSQL): through HTTP,
 * SQS and the worker, erased set-based over the MySQL dialect with a ledger row in the app's database, as a
 * least-privileged user (MariaDbResource).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(MariaDbResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class MariaDbStoreDeletionTest {
    static final String KG_KEY = "Bearer other-test-key";

    @Inject
    DeletionWorker worker;

    @BeforeEach
    void reset() {
        Himoya.reset();
        MariaDbResource.reset();
    }

    @Test
    void shouldEraseTheSubjectInTheAppsMariaDb_whenSignedInUserAsks() throws SQLException {
        // Arrange: Aigul (user 1004) deletes her profile from the cabinet (oshto.kg 3.1.2: app-attested)
        String id = given().header("Authorization", KG_KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1004\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");

        // Act
        Himoya.drain(worker::processBatch);
        Himoya.drain(worker::processBatch); // a redelivered job finds the work done and changes nothing

        // Assert: the receipt counts what was erased in the MariaDB store
        JsonPath done = given().header("Authorization", KG_KEY).get("/v1/deletion-requests/" + id).then()
                .statusCode(200).extract().jsonPath();
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getBoolean("receipt.subjectFound")).isTrue();
        assertThat(done.getInt("receipt.tables.find { it.table == 'users' }.rows")).isEqualTo(1);
        assertThat(done.getInt("receipt.tables.find { it.table == 'orders' }.rows")).isEqualTo(1);
        assertThat(done.getInt("receipt.tables.find { it.table == 'order_items' }.rows")).isEqualTo(1);
        assertThat(done.getInt("receipt.tables.find { it.table == 'access_logs' }.rows")).isEqualTo(30);
        // and names the store, with every row its erasure changed
        assertThat(done.getList("receipt.stores.store")).containsExactly("kabinet");
        assertThat(done.getString("receipt.stores[0].kind")).isEqualTo("mariadb");
        assertThat(done.getLong("receipt.stores[0].rows")).isEqualTo(done.getList("receipt.tables.rows", Integer.class)
                .stream().mapToLong(Integer::longValue).sum());
        assertThat(kg("SELECT count(*) FROM users WHERE id = 1004")).isZero();
        assertThat(kg("SELECT count(*) FROM access_logs WHERE user_id = 1004")).isZero();
        assertThat(kg("SELECT count(*) FROM users")).isEqualTo(5);
        assertThat(kg("SELECT count(*) FROM access_logs")).isEqualTo(170); // 200 seeded, less her 30
        assertThat(kg("SELECT count(*) FROM himoya_ledger WHERE request_id = '" + id + "' AND step = 'erasure'"))
                .isEqualTo(1);
        // Himoya's own database holds no table of the app's
        assertThat(Himoya.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'demo_kg'"))
                .isZero();
        assertThat(Himoya.count("SELECT count(*) FROM deletion_step WHERE request_id = CAST(? AS uuid)"
                + " AND part = 'kabinet' AND status = 'DONE'", id)).isEqualTo(1);
    }

    private static long kg(String sql) throws SQLException {
        try (Connection c = EmbeddedMariaDb.connect(EmbeddedMariaDb.DEMO); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
