package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static uz.himoya.store.mysql.MysqlDemo.count;
import static uz.himoya.store.mysql.MysqlDemo.exec;
import static uz.himoya.store.mysql.MysqlDemo.rows;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;
import static uz.himoya.testing.Rentals.STORE;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.CutLoose;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Rentals;
import uz.himoya.erasure.ErasureAction;

/**
 * The rental shop shaped like MySQL's Sakila sample (rentals-mariadb/schema.sql) on a real MariaDB 11.4, mapped
 * by the same map as on PostgreSQL (issue 11, part 9): addresses reached from the customer and kept where
 * shared, payments cut loose to a tombstone customer with key 0 in a SMALLINT UNSIGNED AUTO_INCREMENT column,
 * rewards with the same numeric pseudonym PostgreSQL writes.
 */
class MysqlReferencesTest {
    private Connection connection;
    private AppRegistry.CompiledApp app;
    private StoreEraser eraser;
    private MysqlErasure.Plan plan;

    @BeforeEach
    void load() throws SQLException {
        try (Connection root = EmbeddedMariaDb.connect("")) {
            exec(root, "DROP USER IF EXISTS 'himoya_rentals'@'127.0.0.1'");
        }
        EmbeddedMariaDb.run("rentals-mariadb/schema.sql");
        EmbeddedMariaDb.run("rentals-mariadb/seed.sql");
        app = AppRegistry.compile(Rentals.parsed(Rentals.mariaDbYaml()), store -> EmbeddedMariaDb.connect(
                Rentals.SCHEMA), PSEUDONYM_KEY);
        eraser = app.eraser(STORE);
        plan = MysqlErasure.plan(app.map(), STORE, app.catalogues().get(STORE), PSEUDONYM_KEY);
        connection = EmbeddedMariaDb.connect(Rentals.SCHEMA);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldPlanAnAntiJoinPerReference_whenTheMapFollowsCustomerAddressId() {
        // Act
        List<String> order = app.map().tables().stream().map(PrivacyMap.Table::name).toList();
        MysqlErasure.Step address = plan.steps().stream().filter(s -> s.table().equals("address")).findFirst()
                .orElseThrow();

        // Assert: the same order as on PostgreSQL, from information_schema's foreign keys
        assertThat(order.indexOf("payment")).isLessThan(order.indexOf("rental"));
        assertThat(order.indexOf("rental")).isLessThan(order.indexOf("customer"));
        assertThat(order.indexOf("customer")).isLessThan(order.indexOf("address"));
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
    void shouldKeepTheSharedAddressAndCutPaymentsLoose_whenACustomerOfAHouseholdIsErased() throws SQLException {
        // Arrange
        String modeBefore = mode();
        Map<String, String> before = others();

        // Act
        List<TableOutcome> outcomes = eraser.erase(connection, "1");
        connection.commit();

        // Assert: her customer row and rentals are gone, the shared address stays
        assertThat(count(connection, "SELECT count(*) FROM customer WHERE customer_id = 1")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM rental WHERE rental_id IN (101, 102)")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM address WHERE address_id = 10")).isEqualTo(1);
        // payments point at the tombstone customer, which has key 0 although customer_id is AUTO_INCREMENT
        assertThat(rows(connection, "SELECT payment_id, customer_id, rental_id, amount FROM payment"
                + " WHERE payment_id IN (1001, 1002, 1003) ORDER BY payment_id")).containsExactly(
                        row("payment_id", "1001", "customer_id", "0", "rental_id", null, "amount", "2.99"),
                        row("payment_id", "1002", "customer_id", "0", "rental_id", null, "amount", "4.99"),
                        row("payment_id", "1003", "customer_id", "0", "rental_id", null, "amount", "1.00"));
        assertThat(rows(connection, "SELECT customer_id, first_name, email, address_id, active, create_date"
                + " FROM customer WHERE first_name = '[erased]'")).containsExactly(row("customer_id", "0",
                        "first_name", "[erased]", "email", "erased@invalid", "address_id", "0", "active", "0",
                        "create_date", "2000-01-01 00:00:00"));
        assertThat(rows(connection, "SELECT address, phone, city_id FROM address WHERE address_id = 0"))
                .containsExactly(row("address", "[erased]", "phone", "", "city_id", "1"));
        // the session's SQL mode is back as it was (NO_AUTO_VALUE_ON_ZERO was for the tombstone only)
        assertThat(mode()).isEqualTo(modeBefore).doesNotContain("NO_AUTO_VALUE_ON_ZERO");
        // the rewards pseudonym is the one PostgreSQL writes, as its definition computes it
        assertThat(rows(connection, "SELECT DISTINCT customer_id FROM rewards WHERE points IN (120, 30)"))
                .containsExactly(row("customer_id", Long.toString(Rentals.keyedNumber("1", 32))));
        assertThat(others()).isEqualTo(before);
        assertThat(outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows)))
                .containsOnly(entry("customer", 1L), entry("address", 0L), entry("rental", 2L), entry("payment", 3L),
                        entry("rewards", 2L));
        TableOutcome payment = outcomes.stream().filter(o -> o.table().equals("payment")).findFirst().orElseThrow();
        assertThat(payment.action()).isEqualTo(ErasureAction.CUT_LOOSE);
        assertThat(payment.cutLoose()).containsExactly(
                new CutLoose("customer_id", Optional.of("customer"), CutLoose.Now.TOMBSTONE),
                new CutLoose("rental_id", Optional.of("rental"), CutLoose.Now.NULL));
        assertThat(eraser.outcomes(outcomes.stream().collect(Collectors.toMap(TableOutcome::table,
                TableOutcome::rows)))).isEqualTo(outcomes);
    }

    @Test
    void shouldDeleteTheAddress_whenNoRowOfAnyTablePointsAtItAnyMore() throws SQLException {
        // Arrange: Bekzod (4) moves in where the staff member lives; the staff table is not mapped
        exec(connection, "UPDATE customer SET address_id = 2 WHERE customer_id = 4");
        connection.commit();

        // Act
        List<Long> deleted = new ArrayList<>();
        for (String customer : List.of("3", "1", "2", "4")) {
            deleted.add(eraser.erase(connection, customer).stream().filter(o -> o.table().equals("address"))
                    .findFirst().orElseThrow().rows());
        }
        connection.commit();

        // Assert
        assertThat(deleted).containsExactly(1L, 0L, 1L, 0L);
        assertThat(rows(connection, "SELECT address_id FROM address ORDER BY 1")).extracting(r -> r.get("address_id"))
                .containsExactly("0", "1", "2", "12");
        assertThat(count(connection, "SELECT count(*) FROM city")).isEqualTo(2);
        assertThat(count(connection, "SELECT count(*) FROM customer")).isEqualTo(1);
        assertThat(count(connection, "SELECT count(*) FROM payment WHERE customer_id = 0")).isEqualTo(6);
    }

    @Test
    void shouldFollowTheChainToTheCity_whenCitiesAreReachedFromTheAddresses() throws SQLException {
        // Arrange
        StoreEraser chained = AppRegistry.compile(Rentals.parsed(Rentals.withCities(Rentals.mariaDbYaml())),
                store -> EmbeddedMariaDb.connect(Rentals.SCHEMA), PSEUDONYM_KEY).eraser(STORE);

        // Act
        Map<String, Long> aziza = counts(chained.erase(connection, "3"));
        Map<String, Long> dilnoza = counts(chained.erase(connection, "1"));
        connection.commit();

        // Assert
        assertThat(aziza).containsEntry("address", 1L).containsEntry("city", 1L);
        assertThat(dilnoza).containsEntry("address", 0L).containsEntry("city", 0L);
        assertThat(rows(connection, "SELECT city_id FROM city")).extracting(r -> r.get("city_id"))
                .containsExactly("1");
    }

    private static Map<String, Long> counts(List<TableOutcome> outcomes) {
        return outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows));
    }

    @Test
    void shouldFindNothingAndChangeNothing_whenTheSameCustomerIsErasedAgain() throws SQLException {
        // Arrange
        eraser.erase(connection, "1");
        connection.commit();
        Map<String, String> after = all();

        // Act
        List<TableOutcome> second = eraser.erase(connection, "1");
        connection.commit();

        // Assert
        assertThat(second).hasSize(5).allSatisfy(o -> assertThat(o.rows()).as(o.table()).isZero());
        assertThat(all()).isEqualTo(after);
        assertThat(count(connection, "SELECT count(*) FROM customer WHERE customer_id = 0")).isEqualTo(1);
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
                    exec(other, "SET SESSION innodb_lock_wait_timeout = 1");
                    exec(other, "INSERT INTO customer (store_id, first_name, last_name, address_id, create_date)"
                            + " VALUES (1, 'New', 'Neighbour', 11, '2026-03-01')");
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
        assertThat(count(connection, "SELECT count(*) FROM address WHERE address_id = 11")).isZero();
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
        Map<String, String> before = all();

        // Act + Assert: refused, and the caller's rollback leaves every row, tombstones included, as it was
        assertThatThrownBy(() -> MysqlErasure.execute(connection, drifting, "3")).isInstanceOfSatisfying(
                uz.himoya.db.RowGuard.Violation.class, v -> assertThat(v.table()).isEqualTo("address"));
        connection.rollback();
        assertThat(all()).isEqualTo(before);
    }

    @Test
    void shouldRefuseTheKeyBeforeAnythingRuns_whenItIsNotANumber() throws SQLException {
        // Act + Assert: not even the tombstones are written
        assertThatThrownBy(() -> eraser.erase(connection, "1 OR 1=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("1 OR 1=1");
        assertThat(count(connection, "SELECT count(*) FROM customer WHERE first_name = '[erased]'")).isZero();
    }

    @Test
    void shouldFindNobody_whenAskedForTheTombstone() throws SQLException {
        // Arrange
        eraser.erase(connection, "1");
        connection.commit();

        // Act + Assert
        assertThat(app.subjects().find(connection, Optional.of("0"), Optional.empty())).isEmpty();
        assertThat(app.subjects().find(connection, Optional.empty(), Optional.of("ERASED@invalid"))).isEmpty();
        assertThat(app.subjects().find(connection, Optional.of("2"), Optional.empty())).isPresent();
    }

    @Test
    void shouldErase_whenHimoyasUserHoldsOnlyTheGrantsInfraReadmeLists() throws SQLException {
        // Arrange: infra/README.md, "Grants for Himoya's database user", for this map
        grant("SELECT, UPDATE, DELETE", "rental", "payment", "rewards");
        grant("SELECT, INSERT, UPDATE, DELETE", "customer", "address"); // the tables with a tombstone
        grant("SELECT", "staff", "store"); // unmapped tables with a foreign key to a referenced table
        AppRegistry.CompiledApp limited = AppRegistry.compile(Rentals.parsed(Rentals.mariaDbYaml()),
                store -> asHimoya(), PSEUDONYM_KEY);

        // Act
        try (Connection c = asHimoya()) {
            c.setAutoCommit(false);
            limited.eraser(STORE).erase(c, "1");
            limited.eraser(STORE).erase(c, "3");
            c.commit();
        }

        // Assert
        assertThat(count(connection, "SELECT count(*) FROM customer WHERE customer_id IN (1, 3)")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM customer WHERE customer_id = 0")).isEqualTo(1);
        assertThat(count(connection, "SELECT count(*) FROM address WHERE address_id IN (10, 11)")).isEqualTo(1);
    }

    @Test
    void shouldFailAndChangeNothing_whenHimoyaCannotSeeATableThatStillPointsAtTheAddress() throws SQLException {
        // Arrange: without SELECT on staff, information_schema hides staff's foreign key from Himoya, so the
        // delete does not know the staff member's address is in use; the database's own foreign key refuses it
        grant("SELECT, UPDATE, DELETE", "rental", "payment", "rewards");
        grant("SELECT, INSERT, UPDATE, DELETE", "customer", "address");
        grant("SELECT", "store");
        exec(connection, "UPDATE customer SET address_id = 2 WHERE customer_id = 4");
        connection.commit();
        AppRegistry.CompiledApp limited = AppRegistry.compile(Rentals.parsed(Rentals.mariaDbYaml()),
                store -> asHimoya(), PSEUDONYM_KEY);
        Map<String, String> before = all();

        // Act + Assert
        try (Connection c = asHimoya()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> limited.eraser(STORE).erase(c, "4")).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getErrorCode()).isEqualTo(1451)); // a foreign key constraint fails
            c.rollback();
        }
        assertThat(all()).isEqualTo(before);
    }

    private void grant(String privileges, String... tables) throws SQLException {
        exec(connection, "CREATE USER IF NOT EXISTS 'himoya_rentals'@'127.0.0.1' IDENTIFIED BY 'rentals-test-only'");
        for (String t : tables) {
            exec(connection, "GRANT " + privileges + " ON rentals." + t + " TO 'himoya_rentals'@'127.0.0.1'");
        }
    }

    private static Connection asHimoya() throws SQLException {
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + EmbeddedMariaDb.port()
                + "/rentals?user=himoya_rentals&password=rentals-test-only", new java.util.Properties());
    }

    private String mode() throws SQLException {
        return rows(connection, "SELECT @@SESSION.sql_mode AS m").get(0).get("m");
    }

    /** Every row of every table. */
    private Map<String, String> all() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("customer ORDER BY customer_id", "address ORDER BY address_id",
                "rental ORDER BY rental_id", "payment ORDER BY payment_id", "rewards ORDER BY customer_id, points",
                "staff", "store", "city ORDER BY city_id")) {
            out.put(t, rows(connection, "SELECT * FROM " + t).toString());
        }
        return out;
    }

    /** Every row but customer 1's and the tombstones. */
    private Map<String, String> others() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("customer WHERE customer_id NOT IN (0, 1) ORDER BY customer_id",
                "address WHERE address_id <> 0 ORDER BY address_id", "rental WHERE customer_id <> 1 ORDER BY rental_id",
                "payment WHERE payment_id NOT IN (1001, 1002, 1003) ORDER BY payment_id",
                "rewards WHERE customer_id = 3", "staff", "store", "city ORDER BY city_id")) {
            out.put(t, rows(connection, "SELECT * FROM " + t).toString());
        }
        return out;
    }

    private static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
