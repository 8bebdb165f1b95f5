package uz.himoya.db;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * The migration function through the Lambda mock event server, against an empty database as on a first
 * deploy (issue 12, part 8): it migrates as the owner, and the application role it leaves behind may log in
 * and change data in Himoya's tables, and do nothing else.
 */
@QuarkusTest
@TestProfile(DatabaseMigrationProfile.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(value = DeployDatabaseResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseMigrationFunctionTest {
    static final String LAMBDA = "http://localhost:8081/_lambda_";
    static final String URL = EmbeddedDatabase.urlOf(DeployDatabaseResource.DATABASE);

    @Test
    @Order(1)
    void shouldMigrateAndLetTheAppRoleIn_whenADeployInvokesIt() throws Exception {
        // Arrange: an empty database, and a role that may not log in (as before the first deploy)
        owner("ALTER ROLE " + EmbeddedDatabase.APP_ROLE + " NOLOGIN PASSWORD NULL");
        assertThat(canLogIn()).isFalse();

        // Act: the trigger's invocation (no payload: Lambda hands the function an empty object)
        JsonPath out = invoke("{}");

        // Assert: the schema is current, and the role logs in with its secret's password
        assertThat(out.getInt("applied")).isGreaterThanOrEqualTo(10);
        assertThat(out.getString("version")).isEqualTo(latest());
        assertThat(out.getString("role")).isEqualTo(EmbeddedDatabase.APP_ROLE);
        assertThat(canLogIn()).isTrue();
    }

    @Test
    @Order(2)
    void shouldGiveTheAppRoleDataRightsAndNoDdl() throws Exception {
        invoke("{}");
        try (Connection c = asApp(); Statement s = c.createStatement()) {
            // DML on Himoya's tables: all the functions need
            s.execute("INSERT INTO watchdog_digest VALUES ('ops', '\\x01', now())");
            s.execute("UPDATE watchdog_digest SET sent_at = now() WHERE recipient = 'ops'");
            s.executeQuery("SELECT count(*) FROM deletion_request").close();
            s.execute("DELETE FROM watchdog_digest WHERE recipient = 'ops'");
            // and nothing more
            for (String ddl : new String[] {"CREATE TABLE intruder (a int)", "DROP TABLE deletion_request",
                    "ALTER TABLE deletion_request ADD COLUMN x int", "TRUNCATE audit_event",
                    "SELECT count(*) FROM flyway_schema_history", "CREATE SCHEMA intruder"}) {
                assertThatThrownBy(() -> s.execute(ddl)).as(ddl).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
        }
    }

    @Test
    @Order(3)
    void shouldChangeNothing_whenRunAgain() throws Exception {
        JsonPath again = invoke("{}");

        assertThat(again.getInt("applied")).isZero();
        assertThat(again.getString("version")).isEqualTo(latest());
        assertThat(canLogIn()).isTrue();
    }

    @Test
    @Order(4)
    void shouldRefuseAnyOtherEvent_andMigrateNothing() throws Exception {
        owner("ALTER ROLE " + EmbeddedDatabase.APP_ROLE + " NOLOGIN");

        for (String event : new String[] {"{\"Records\":[]}", "[]", "\"migrate\"", "{\"a\":null}"}) {
            given().contentType(ContentType.JSON).body(event).post(LAMBDA).then().statusCode(500);
        }

        assertThat(canLogIn()).as("the role was not touched").isFalse();
        invoke("{}"); // and as the deploy leaves it
    }

    private static JsonPath invoke(String event) {
        return given().contentType(ContentType.JSON).body(event).post(LAMBDA).then().statusCode(200).extract()
                .jsonPath();
    }

    /** The highest migration version on the class path. */
    private static String latest() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(version::int)::text FROM flyway_schema_history")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void owner(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection asApp() throws SQLException {
        return DriverManager.getConnection(URL, EmbeddedDatabase.APP_ROLE, EmbeddedDatabase.APP_ROLE_PASSWORD);
    }

    private static boolean canLogIn() {
        try (Connection c = asApp()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
