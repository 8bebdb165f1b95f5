package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.store.mysql.MysqlDemo.DB;
import static uz.himoya.store.mysql.MysqlDemo.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.EmbeddedMariaDb;

/** Himoya's ledger table in the app's own MariaDB database. */
class MysqlLedgerTest {
    private static final String COUNTS = "{\"users\":1,\"orders\":2}";
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        connection = EmbeddedMariaDb.connect(DB);
        MysqlLedger.create(connection, DB);
        MysqlLedger.create(connection, DB); // IF NOT EXISTS: a second start-up finds it there
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldReadBackWhatWasRecorded_whenStepRan() throws SQLException {
        // Arrange
        UUID request = UUID.randomUUID();
        assertThat(MysqlLedger.find(connection, DB, request, "erasure")).isEmpty();

        // Act
        MysqlLedger.record(connection, DB, request, "erasure", COUNTS);

        // Assert: visible on the same transaction, and to others once committed
        assertThat(MysqlLedger.find(connection, DB, request, "erasure")).hasValue(COUNTS);
        assertThat(MysqlLedger.find(connection, DB, request, "receipt")).isEmpty();
        assertThat(MysqlLedger.find(connection, DB, UUID.randomUUID(), "erasure")).isEmpty();
        try (Connection other = EmbeddedMariaDb.connect(DB)) {
            assertThat(MysqlLedger.find(other, DB, request, "erasure")).isEmpty();
            connection.commit();
            assertThat(MysqlLedger.find(other, DB, request, "erasure")).hasValue(COUNTS);
        }
        assertThat(rows(connection, "SELECT request_id, created_at IS NOT NULL AS stamped FROM himoya_ledger"))
                .singleElement().satisfies(r -> assertThat(r).containsEntry("request_id", request.toString())
                        .containsEntry("stamped", "1"));
    }

    @Test
    void shouldRefuseASecondRecord_whenStepIsRecordedTwice() throws SQLException {
        // Arrange
        UUID request = UUID.randomUUID();
        MysqlLedger.record(connection, DB, request, "erasure", COUNTS);
        connection.commit();

        // Act
        SQLException thrown = null;
        try {
            MysqlLedger.record(connection, DB, request, "erasure", "{}");
        } catch (SQLException e) {
            thrown = e;
        }
        connection.rollback();

        // Assert
        assertThat((Throwable) thrown).isInstanceOf(java.sql.SQLIntegrityConstraintViolationException.class);
        assertThat(thrown.getSQLState()).isEqualTo("23000");
        assertThat(MysqlLedger.find(connection, DB, request, "erasure")).hasValue(COUNTS);
    }

    @Test
    void shouldLeaveNoRecord_whenTransactionRollsBack() throws SQLException {
        // Arrange
        UUID request = UUID.randomUUID();

        // Act
        MysqlLedger.record(connection, DB, request, "erasure", COUNTS);
        connection.rollback();

        // Assert: InnoDB, so the record goes with the erasure it would have recorded
        assertThat(MysqlLedger.find(connection, DB, request, "erasure")).isEqualTo(Optional.empty());
        assertThat(rows(connection, "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'demo_kg'"
                + " AND TABLE_NAME = 'himoya_ledger'")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("ENGINE", "InnoDB"));
    }
}
