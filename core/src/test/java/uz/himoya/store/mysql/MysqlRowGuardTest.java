package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static uz.himoya.store.mysql.MysqlDemo.DB;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.count;
import static uz.himoya.store.mysql.MysqlDemo.exec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * What the guard protects against on MySQL, and what it cannot see.
 *
 * <p>On PostgreSQL a trigger or rule can silently skip a row, which the guard catches. On MySQL a trigger
 * cannot: a BEFORE DELETE or UPDATE trigger can only fail the statement (SIGNAL), a trigger may not change
 * the table its statement changes (error 1442), and there are no rules or INSTEAD OF triggers. What remains
 * is a count and a change that reach different rows: a concurrent writer the count's locks did not keep
 * out (READ COMMITTED takes no gap locks), or a planning mistake. A BEFORE UPDATE trigger that puts the old
 * value back still counts as a found row: that the guard cannot see.
 */
class MysqlRowGuardTest {
    private static final String SUBJECT = "1001";
    private Connection connection;
    private MysqlErasure.Plan plan;

    @BeforeEach
    void loadDemo() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        connection = EmbeddedMariaDb.connect(DB);
        Catalogue catalogue = MysqlCatalogue.load(connection, DB);
        plan = MysqlErasure.plan(MysqlDemo.validated(catalogue), MysqlDemo.STORE, catalogue, PSEUDONYM_KEY);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldCountFromTheSnapshotAlone_whenNobodyWritesTheSubjectsRows() throws SQLException {
        // Arrange: record which counts ran
        List<String> counts = new ArrayList<>();
        MysqlRowGuard.Between recorder = (table, locked) -> counts.add(table + (locked ? ":locked" : ":snapshot"));

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT, recorder);
        connection.commit();

        // Assert: one snapshot count per table, no lock taken to count, and the receipt's rows are all of them
        assertThat(counts).hasSize(plan.steps().size()).allSatisfy(c -> assertThat(c).endsWith(":snapshot"));
        assertThat(outcomes).filteredOn(o -> o.table().equals("access_logs")).singleElement()
                .satisfies(o -> assertThat(o.rows()).isEqualTo(30));
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isZero();
    }

    @Test
    void shouldRefuseTheChange_whenAConcurrentInsertSlipsInUnderReadCommitted() throws SQLException {
        // Arrange: READ COMMITTED locks the counted rows but not the gaps between them, so another
        // transaction can add a row of the subject after each count: after the snapshot count (the step
        // recounts under the lock) and again after the locking count (which then is a violation)
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        List<String> inserted = new ArrayList<>();
        MysqlRowGuard.Between writer = (table, locked) -> {
            if (table.equals("access_logs")) {
                try (Connection other = EmbeddedMariaDb.connect(DB)) {
                    exec(other, "INSERT INTO access_logs (user_id, page) VALUES (1001, '/late')");
                    inserted.add(locked ? "locked" : "snapshot");
                }
            }
        };

        // Act
        Throwable thrown = catchThrowable(() -> MysqlErasure.execute(connection, plan, SUBJECT, writer));
        connection.rollback();

        // Assert: refused with both counts of the locked try, no value in the message; the caller's rollback
        // left everything
        assertThat(inserted).containsExactly("snapshot", "locked");
        assertThat(thrown).isInstanceOfSatisfying(uz.himoya.db.RowGuard.Violation.class, v -> {
            assertThat(v.table()).isEqualTo("access_logs");
            assertThat(v.picked()).isEqualTo(31);
            assertThat(v.changed()).isEqualTo(32);
            assertThat(v.getMessage()).doesNotContain(SUBJECT).contains("access_logs");
        });
        assertThat(uz.himoya.db.RowGuard.CODE).isEqualTo("row-guard");
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isEqualTo(32);
        assertThat(count(connection, "SELECT count(*) FROM users WHERE id = 1001")).isEqualTo(1);
    }

    @Test
    void shouldEraseTheNewRowToo_whenItCameAfterTheSnapshotAndTheLockKeepsTheNextOut() throws SQLException {
        // Arrange: REPEATABLE READ (InnoDB's default). A row of the subject committed after the snapshot makes
        // the change find one row more than the snapshot count: the step goes back to its savepoint and
        // recounts under the lock, whose next-key locks on the user_id index keep a further row out until
        // the erasure commits
        List<String> done = new ArrayList<>();
        MysqlRowGuard.Between writer = (table, locked) -> {
            if (table.equals("access_logs")) {
                try (Connection other = EmbeddedMariaDb.connect(DB)) {
                    exec(other, "SET SESSION innodb_lock_wait_timeout = 1");
                    exec(other, "INSERT INTO access_logs (user_id, page) VALUES (1001, '/late')");
                    done.add(locked ? "locked" : "snapshot");
                } catch (SQLException e) {
                    done.add((locked ? "locked " : "snapshot ") + e.getSQLState()); // lock wait timeout
                }
            }
        };

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT, writer);
        connection.commit();

        // Assert: the late row is erased and counted, the one after the lock never got in
        assertThat(done).containsExactly("snapshot", "locked HY000");
        assertThat(outcomes).filteredOn(o -> o.table().equals("access_logs")).singleElement()
                .satisfies(o -> assertThat(o.rows()).isEqualTo(31));
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isZero();
    }

    @Test
    void shouldAskForARetry_whenSnapshotIsolationRefusesARowChangedSinceTheSnapshot() throws SQLException {
        // Arrange: MariaDB's innodb_snapshot_isolation (on by default in newer releases): another transaction changes
        // one of the subject's rows after the snapshot count, and the change then may not touch it
        exec(connection, "SET SESSION innodb_snapshot_isolation = ON");
        MysqlRowGuard.Between writer = (table, locked) -> {
            if (table.equals("access_logs") && !locked) {
                try (Connection other = EmbeddedMariaDb.connect(DB)) {
                    exec(other, "UPDATE access_logs SET page = '/changed' WHERE user_id = 1001 LIMIT 1");
                }
            }
        };

        // Act
        Throwable thrown = catchThrowable(() -> MysqlErasure.execute(connection, plan, SUBJECT, writer));
        connection.rollback();

        // Assert: a serialization failure, which the workflows retry, naming no value; nothing erased
        assertThat(thrown).isInstanceOf(java.sql.SQLTransactionRollbackException.class);
        assertThat(uz.himoya.db.SqlErrors.transientFailure(thrown)).isTrue();
        assertThat(uz.himoya.db.SqlErrors.code(thrown)).isEqualTo("sql-40001");
        assertThat(thrown.getMessage()).doesNotContain(SUBJECT).doesNotContain("/changed");
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isEqualTo(30);
        assertThat(count(connection, "SELECT count(*) FROM users WHERE id = 1001")).isEqualTo(1);
    }

    @Test
    void shouldKeepCountedRowsFromChanging_whenAnotherTransactionTriesBetweenTheLockingCountAndChange()
            throws SQLException {
        // Arrange: a new item of the subject's order after the snapshot count sends the step to its locking
        // count, whose FOR UPDATE then holds the rows it counted, in either isolation level
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        List<String> refused = new ArrayList<>();
        MysqlRowGuard.Between writer = (table, locked) -> {
            if (!table.equals("order_items")) {
                return;
            }
            try (Connection other = EmbeddedMariaDb.connect(DB)) {
                if (!locked) {
                    exec(other, "INSERT INTO order_items (id, order_id, sku) VALUES (9100, 5001, 'SKU-LATE')");
                    return;
                }
                exec(other, "SET SESSION innodb_lock_wait_timeout = 1");
                for (String sql : List.of("DELETE FROM order_items WHERE id = 9001",
                        "UPDATE orders SET user_id = 1005 WHERE id = 5002")) { // a parent, locked by the semi-join
                    try {
                        exec(other, sql);
                    } catch (SQLException e) {
                        refused.add(e.getSQLState());
                    }
                }
            }
        };

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT, writer);

        // Assert
        assertThat(refused).containsExactly("HY000", "HY000");
        assertThat(outcomes).filteredOn(o -> o.table().equals("order_items")).singleElement()
                .satisfies(o -> assertThat(o.rows()).isEqualTo(4));
    }

    @Test
    void shouldFailTheStatement_whenATriggerRefusesTheDelete() throws SQLException {
        // Arrange: the only way a MySQL trigger stops a row being deleted is to fail the whole statement
        exec(connection, "CREATE TRIGGER keep_devices BEFORE DELETE ON devices FOR EACH ROW"
                + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'devices are kept'");
        try {
            // Act
            Throwable thrown = catchThrowable(() -> MysqlErasure.execute(connection, plan, SUBJECT));
            connection.rollback();

            // Assert
            assertThat(thrown).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("45000"));
            assertThat(count(connection, "SELECT count(*) FROM devices WHERE user_id = 1001")).isEqualTo(1);
            assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isEqualTo(30);
        } finally {
            exec(connection, "DROP TRIGGER keep_devices");
        }
    }

    @Test
    void shouldFailTheStatement_whenATriggerWouldAddRowsToItsOwnTable() throws SQLException {
        // Arrange: a trigger that re-inserts what is deleted would make the change reach more rows than were
        // counted; MySQL refuses it outright (error 1442)
        exec(connection, "CREATE TRIGGER log_again AFTER DELETE ON access_logs FOR EACH ROW"
                + " INSERT INTO access_logs (user_id, page) VALUES (OLD.user_id, OLD.page)");
        try {
            // Act
            Throwable thrown = catchThrowable(() -> MysqlErasure.execute(connection, plan, SUBJECT));
            connection.rollback();

            // Assert
            assertThat(thrown).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(1442));
            assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE user_id = 1001")).isEqualTo(30);
        } finally {
            exec(connection, "DROP TRIGGER log_again");
        }
    }

    @Test
    void shouldNotSeeIt_whenATriggerPutsTheOldValueBack() throws SQLException {
        // Arrange: the guard's blind spot on MySQL. The row was found, so it counts, though nothing changed.
        exec(connection, "CREATE TRIGGER keep_phone BEFORE UPDATE ON orders FOR EACH ROW SET NEW.phone = OLD.phone");
        try {
            // Act
            List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT);
            connection.commit();

            // Assert
            assertThat(outcomes).filteredOn(o -> o.table().equals("orders")).singleElement()
                    .satisfies(o -> assertThat(o.rows()).isEqualTo(2));
            assertThat(count(connection, "SELECT count(*) FROM orders WHERE phone = '+998901112233'")).isEqualTo(2);
        } finally {
            exec(connection, "DROP TRIGGER keep_phone");
        }
    }

    @Test
    void shouldThrowTheViolation_whenCountsDiffer() throws SQLException {
        // Arrange: the guard alone, fed a count that is not the change's
        try (var count = connection.prepareStatement("SELECT 5");
                var change = connection.prepareStatement("UPDATE users SET phone = phone WHERE id = 1001")) {
            // Act + Assert
            assertThatThrownBy(() -> MysqlRowGuard.execute(connection, count, change, "users", "app=test"))
                    .isInstanceOfSatisfying(uz.himoya.db.RowGuard.Violation.class, v -> {
                        assertThat(v.picked()).isEqualTo(5);
                        assertThat(v.changed()).isEqualTo(1);
                    });
        }
    }
}
