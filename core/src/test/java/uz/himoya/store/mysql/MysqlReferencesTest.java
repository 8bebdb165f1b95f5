package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;
import static uz.himoya.testing.Rentals.STORE;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.ReferencedRowsErasureContract;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Rentals;

/**
 * The erasure through references' contract on a real MariaDB 11.4, the rental shop shaped like MySQL's Sakila
 * sample (rentals-mariadb/schema.sql) mapped by the same map as on PostgreSQL: the tombstone customer has key 0
 * in a SMALLINT UNSIGNED AUTO_INCREMENT column. And what only MariaDB does: the plan's multi-table DELETE, the
 * guard's count holding the address under its lock, the key refused before anything runs, and a foreign key
 * Himoya cannot see without SELECT on its table.
 */
class MysqlReferencesTest extends ReferencedRowsErasureContract {
    private MysqlErasure.Plan plan;

    MysqlReferencesTest() {
        super(Rentals.mariaDbYaml(), "0");
    }

    @Override
    protected void freshRentals() throws SQLException {
        try (Connection root = EmbeddedMariaDb.connect("")) {
            MysqlDemo.exec(root, "DROP USER IF EXISTS 'himoya_rentals'@'127.0.0.1'");
        }
        EmbeddedMariaDb.run("rentals-mariadb/schema.sql");
        EmbeddedMariaDb.run("rentals-mariadb/seed.sql");
    }

    @Override
    protected Connection connect() throws SQLException {
        return EmbeddedMariaDb.connect(Rentals.SCHEMA);
    }

    @Override
    protected void grant(String privileges, String... tables) throws SQLException {
        exec("CREATE USER IF NOT EXISTS 'himoya_rentals'@'127.0.0.1' IDENTIFIED BY 'rentals-test-only'");
        for (String t : tables) {
            exec("GRANT " + privileges + " ON rentals." + t + " TO 'himoya_rentals'@'127.0.0.1'");
        }
    }

    @Override
    protected Connection asHimoya() throws SQLException {
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + EmbeddedMariaDb.port()
                + "/rentals?user=himoya_rentals&password=rentals-test-only", new java.util.Properties());
    }

    @Override
    protected void dropHimoya() throws SQLException {
        exec("DROP USER IF EXISTS 'himoya_rentals'@'127.0.0.1'");
    }

    @BeforeEach
    void planned() {
        plan = MysqlErasure.plan(app.map(), STORE, app.catalogues().get(STORE), PSEUDONYM_KEY);
    }

    @Test
    void shouldPlanAnAntiJoinPerReference_whenTheMapFollowsCustomerAddressId() {
        // Act
        MysqlErasure.Step address = plan.steps().stream().filter(s -> s.table().equals("address")).findFirst()
                .orElseThrow();

        // Assert: the same order as on PostgreSQL, from information_schema's foreign keys
        assertReferencingRowsFirst();
        // one multi-table DELETE whose LEFT JOINs keep every address some row still points at
        assertThat(address.change()).startsWith("DELETE t FROM `rentals`.`address` AS t LEFT JOIN")
                .contains("LEFT JOIN `rentals`.`customer` AS r").contains("LEFT JOIN `rentals`.`staff` AS r")
                .contains("LEFT JOIN `rentals`.`store` AS r").contains("WHERE t.`address_id` IN ({ids})");
        assertThat(address.count()).startsWith("SELECT count(*) FROM `rentals`.`address` AS t WHERE t.`address_id`"
                + " IN ({ids}) AND NOT EXISTS (SELECT 1 FROM `rentals`.").contains("NOT EXISTS (SELECT 1 FROM"
                + " `rentals`.`customer` AS r").endsWith(" FOR UPDATE");
        assertThat(plan.captures()).singleElement().satisfies(c -> assertThat(c.sql()).isEqualTo(
                "SELECT t.`address_id` FROM `rentals`.`customer` AS t WHERE t.`customer_id` = ? AND t.`address_id`"
                        + " IS NOT NULL AND t.`address_id` <> ? FOR UPDATE"));
        assertThat(plan.tombstones()).extracting(MysqlErasure.Tombstone::table).containsExactly("address", "customer");
    }

    @Test
    void shouldWriteKeyZeroAndPutTheSqlModeBack_whenTheTombstoneCustomerIsCreated() throws SQLException {
        // Arrange
        String modeBefore = mode();

        // Act
        eraser.erase(connection, "1");
        connection.commit();

        // Assert: key 0 although customer_id is AUTO_INCREMENT, and a create_date the column has no default for
        assertThat(rows("SELECT customer_id, first_name, email, address_id, active, create_date"
                + " FROM customer WHERE first_name = '[erased]'")).containsExactly(row("customer_id", "0",
                        "first_name", "[erased]", "email", "erased@invalid", "address_id", "0", "active", "0",
                        "create_date", "2000-01-01 00:00:00"));
        // the session's SQL mode is back as it was (NO_AUTO_VALUE_ON_ZERO was for the tombstone only)
        assertThat(mode()).isEqualTo(modeBefore).doesNotContain("NO_AUTO_VALUE_ON_ZERO");
    }

    @Test
    void shouldKeepANewReferenceOut_whenTheGuardsCountHoldsTheAddress() throws SQLException {
        // Arrange: between the address count and its delete, another transaction tries to give a new customer
        // Aziza's address; the count's FOR UPDATE holds the address (the new row's foreign key check waits for
        // it), so the delete reaches exactly the row counted, in either isolation level
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        List<String> refused = new ArrayList<>();
        MysqlRowGuard.Between writer = (table, locked) -> {
            if (table.equals("address")) { // a referenced table: counted under the lock only
                try (Connection other = EmbeddedMariaDb.connect(Rentals.SCHEMA)) {
                    MysqlDemo.exec(other, "SET SESSION innodb_lock_wait_timeout = 1");
                    MysqlDemo.exec(other, "INSERT INTO customer (store_id, first_name, last_name, address_id,"
                            + " create_date) VALUES (1, 'New', 'Neighbour', 11, '2026-03-01')");
                } catch (SQLException e) {
                    refused.add(e.getSQLState()); // lock wait timeout
                }
            }
        };

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, "3", writer);
        connection.commit();

        // Assert
        assertThat(refused).containsExactly("HY000");
        assertThat(outcomes).filteredOn(o -> o.table().equals("address")).singleElement()
                .satisfies(o -> assertThat(o.rows()).isEqualTo(1));
        assertThat(count("SELECT count(*) FROM address WHERE address_id = 11")).isZero();
    }

    @Test
    void shouldThrowTheViolation_whenTheAddressDeleteReachesOtherRowsThanItsCount() throws SQLException {
        // Arrange: a count that says 2 where the change finds 1 (a stand-in for any drift the guard catches)
        MysqlErasure.Step address = plan.steps().stream().filter(s -> s.table().equals("address")).findFirst()
                .orElseThrow();
        List<MysqlErasure.Step> steps = new ArrayList<>(plan.steps());
        steps.set(steps.indexOf(address), new MysqlErasure.Step(address.table(), address.action(),
                address.count().replace("SELECT count(*)", "SELECT count(*) + 1"), address.change(),
                address.changeParams(), address.key(), address.categories(), address.anonymizedColumns(),
                address.keptBecause(), address.ids(), address.cutLoose()));
        MysqlErasure.Plan drifting = new MysqlErasure.Plan(plan.appId(), plan.database(), steps, plan.captures(),
                plan.tombstones());
        Map<String, String> before = snapshot();

        // Act + Assert: refused, and the caller's rollback leaves every row, tombstones included, as it was
        assertThatThrownBy(() -> MysqlErasure.execute(connection, drifting, "3")).isInstanceOfSatisfying(
                uz.himoya.db.RowGuard.Violation.class, v -> assertThat(v.table()).isEqualTo("address"));
        connection.rollback();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void shouldRefuseTheKeyBeforeAnythingRuns_whenItIsNotANumber() throws SQLException {
        // Act + Assert: not even the tombstones are written
        assertThatThrownBy(() -> eraser.erase(connection, "1 OR 1=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("1 OR 1=1");
        assertThat(count("SELECT count(*) FROM customer WHERE first_name = '[erased]'")).isZero();
    }

    @Test
    void shouldFailAndChangeNothing_whenHimoyaCannotSeeATableThatStillPointsAtTheAddress() throws SQLException {
        // Arrange: without SELECT on staff, information_schema hides staff's foreign key from Himoya, so the
        // delete does not know the staff member's address is in use; the database's own foreign key refuses it
        grant("SELECT, UPDATE, DELETE", "rental", "payment", "rewards");
        grant("SELECT, INSERT, UPDATE, DELETE", "customer", "address");
        grant("SELECT", "store");
        exec("UPDATE customer SET address_id = 2 WHERE customer_id = 4");
        connection.commit();
        AppRegistry.CompiledApp limited = AppRegistry.compile(Rentals.parsed(Rentals.mariaDbYaml()),
                store -> asHimoya(), PSEUDONYM_KEY);
        Map<String, String> before = snapshot();

        // Act + Assert
        try (Connection c = asHimoya()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> limited.eraser(STORE).erase(c, "4")).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(1451)); // a foreign key constraint fails
            c.rollback();
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    private String mode() throws SQLException {
        return rows("SELECT @@SESSION.sql_mode AS m").get(0).get("m");
    }
}
