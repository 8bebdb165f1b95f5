package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SubjectRowsContract;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Rentals;

/** The port's contract on MariaDB 11.4: the demo app's database demo_kg, the rental shop's database rentals. */
class MysqlSubjectRowsTest extends SubjectRowsContract {
    private String database;

    @Override
    protected AppRegistry.CompiledApp demo() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        database = EmbeddedMariaDb.DEMO;
        return AppRegistry.compile(MysqlDemo.parsed(), s -> EmbeddedMariaDb.connect(database), MysqlDemo.PSEUDONYM_KEY);
    }

    @Override
    protected AppRegistry.CompiledApp rentals() throws SQLException {
        EmbeddedMariaDb.run("rentals-mariadb/schema.sql");
        EmbeddedMariaDb.run("rentals-mariadb/seed.sql");
        database = Rentals.SCHEMA;
        return AppRegistry.compile(Rentals.parsed(Rentals.mariaDbYaml()), s -> EmbeddedMariaDb.connect(database),
                Rentals.PSEUDONYM_KEY);
    }

    @Override
    protected Connection connect() throws SQLException {
        return EmbeddedMariaDb.connect(database);
    }

    @Override
    protected String lockTimeoutOfTwoSeconds() {
        return "SET SESSION innodb_lock_wait_timeout = 2";
    }

    @Override
    protected String insertAccessLogs(String schema, int n) {
        // Five tables of digits: up to 100,000 numbers (a recursive CTE stops at max_recursive_iterations, 1000).
        String digits = "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
                + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
        String number = "(a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d)";
        return "INSERT INTO " + schema + ".access_logs (user_id, ip, user_agent, page) SELECT 1001, '10.0.0.1',"
                + " 'bench', CONCAT('page-', " + number + ") FROM " + digits + " a, " + digits + " b, " + digits
                + " c, " + digits + " e, " + digits + " f WHERE " + number + " < " + n;
    }

    @Test
    void shouldRefuseTheKeyBeforeReading_whenItIsNotAValueOfTheKeyColumn() throws SQLException {
        // Arrange: MySQL would compare '1001 OR 1=1' with a number column as 1001
        AppRegistry.CompiledApp app = demo();

        // Act + Assert
        try (Connection c = connect()) {
            assertThatThrownBy(() -> app.rows(STORE).read(c, "1001 OR 1=1", (t, v) -> {
                throw new AssertionError("a row was read");
            })).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("1001");
        }
    }
}
