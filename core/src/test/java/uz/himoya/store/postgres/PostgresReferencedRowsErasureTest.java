package uz.himoya.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;
import static uz.himoya.testing.Rentals.STORE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.db.RowGuard;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;
import uz.himoya.erasure.ErasureAction;
import uz.himoya.erasure.CutLoose;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.TombstoneMissing;

/**
 * A schema nobody here designed, shaped like Sakila/Pagila (rentals/schema.sql), mapped as it is on a real
 * PostgreSQL (issue 11, part 9): the customer's address is reached from the customer (customer.address_id,
 * NOT NULL), a shared address stays, payments kept for the tax law are cut loose to a tombstone customer that
 * Himoya creates, and rewards keep a numeric pseudonym.
 */
class PostgresReferencedRowsErasureTest {
    /** Every table the erasure may touch, and the ones it must not, with a stable order for comparisons. */
    private static final List<String> TABLES = List.of("customer ORDER BY customer_id", "address ORDER BY address_id",
            "rental ORDER BY rental_id", "payment ORDER BY payment_id", "rewards ORDER BY customer_id, points",
            "staff ORDER BY staff_id", "store ORDER BY store_id", "city ORDER BY city_id");

    private Connection connection;
    private AppRegistry.CompiledApp app;
    private StoreEraser eraser;

    @BeforeEach
    void load() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        EmbeddedDatabase.run("rentals/seed.sql");
        app = AppRegistry.compile(Rentals.parsed(Rentals.yaml()), store -> EmbeddedDatabase.dataSource()
                .getConnection(), PSEUDONYM_KEY);
        eraser = app.eraser(STORE);
        connection = EmbeddedDatabase.dataSource().getConnection();
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldOrderReferencingRowsFirst_whenTheMapFollowsCustomerAddressId() {
        // Act
        List<String> order = app.map().tables().stream().map(PrivacyMap.Table::name).toList();
        PostgresErasurePlan plan = PostgresErasurePlanner.plan(app.map(), STORE, app.catalogues().get(STORE), PSEUDONYM_KEY);

        // Assert: payments and rentals before their customer, the customer before the address it points at
        assertThat(order).containsExactlyInAnyOrder("customer", "address", "rental", "payment", "rewards");
        assertThat(order.indexOf("payment")).isLessThan(order.indexOf("rental"));
        assertThat(order.indexOf("rental")).isLessThan(order.indexOf("customer"));
        assertThat(order.indexOf("customer")).isLessThan(order.indexOf("address"));
        // the address rows the customer points at are captured first; an address goes only where no row of any
        // table points at it any more: customers, and the store and staff the map does not even name
        assertThat(plan.captures()).singleElement().satisfies(c -> {
            assertThat(c.table()).isEqualTo("address");
            assertThat(c.sql()).isEqualTo("SELECT t.\"address_id\"::text FROM \"rentals\".\"customer\" t WHERE"
                    + " t.\"customer_id\" = CAST(? AS integer) AND t.\"address_id\" IS NOT NULL AND t.\"address_id\""
                    + " <> CAST(? AS integer) FOR UPDATE OF t");
            assertThat(c.params()).containsExactly("0");
        });
        PostgresErasurePlan.Step address = plan.steps().stream().filter(s -> s.table().equals("address")).findFirst()
                .orElseThrow();
        assertThat(address.ids()).hasValue("address");
        assertThat(address.sql()).contains("t.\"address_id\" = ANY(CAST(CAST(? AS text[]) AS integer[]))")
                .contains("NOT EXISTS (SELECT 1 FROM \"rentals\".\"customer\" r WHERE r.\"address_id\" = t.\"address_id\")")
                .contains("NOT EXISTS (SELECT 1 FROM \"rentals\".\"staff\" r WHERE r.\"address_id\" = t.\"address_id\")")
                .contains("NOT EXISTS (SELECT 1 FROM \"rentals\".\"store\" r WHERE r.\"address_id\" = t.\"address_id\")");
        // tombstones parents first: the customer's tombstone points at the address's
        assertThat(plan.tombstones()).extracting(PostgresErasurePlan.Tombstone::table).containsExactly("address", "customer");
        for (PostgresErasurePlan.Step step : plan.steps()) {
            assertThat(step.sql()).as(step.table()).doesNotContain(PSEUDONYM_KEY).doesNotContain("[erased]");
        }
    }

    @Test
    void shouldRefuseTheMap_whenTheAddressBelongsToTheCustomerAsAParent() {
        // Arrange: the only way the map could say it before, which the schema's own foreign key contradicts
        String yaml = Rentals.yaml().replace("    referencedBy: { table: customer, column: address_id }\n",
                "    belongsTo: { column: address_id, parent: customer }\n    parentKey: address_id\n");

        // Act + Assert: as a child of the customer, every address would have to go with its customer, and the
        // store's and the staff's addresses would block every erasure; with those mapped as well, the order
        // would run in a circle (customer -> address -> customer)
        assertThatThrownBy(() -> AppRegistry.compile(Rentals.parsed(yaml), store -> EmbeddedDatabase.dataSource()
                .getConnection(), PSEUDONYM_KEY)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("table staff references address, whose rows are deleted, but is not mapped");
    }

    @Test
    void shouldKeepTheSharedAddressAndCutPaymentsLoose_whenACustomerOfAHouseholdIsErased() throws SQLException {
        // Arrange: Dilnoza (1) lives with Rustam (2) at address 10
        Map<String, String> before = others();

        // Act
        List<TableOutcome> outcomes = eraser.erase(connection, "1");
        connection.commit();

        // Assert: her customer row and rentals are gone
        assertThat(count("SELECT count(*) FROM rentals.customer WHERE customer_id = 1")).isZero();
        assertThat(count("SELECT count(*) FROM rentals.rental WHERE rental_id IN (101, 102)")).isZero();
        // the shared address stays, as Rustam's row still points at it
        assertThat(rows("SELECT address FROM rentals.address WHERE address_id = 10")).containsExactly(
                Map.of("address", "Yunusobod 4-12"));
        // her payments stay for the tax law, pointing at the tombstone customer, cut from the deleted rentals
        assertThat(rows("SELECT payment_id, customer_id, rental_id, amount FROM rentals.payment"
                + " WHERE payment_id IN (1001, 1002, 1003) ORDER BY payment_id")).containsExactly(
                        row("payment_id", "1001", "customer_id", "0", "rental_id", null, "amount", "2.99"),
                        row("payment_id", "1002", "customer_id", "0", "rental_id", null, "amount", "4.99"),
                        row("payment_id", "1003", "customer_id", "0", "rental_id", null, "amount", "1.00"));
        // the tombstones Himoya created: a customer that is nobody, at an address that is nowhere
        assertThat(rows("SELECT first_name, email, address_id, active FROM rentals.customer WHERE customer_id = 0"))
                .containsExactly(row("first_name", "[erased]", "email", "erased@invalid", "address_id", "0",
                        "active", "f"));
        assertThat(rows("SELECT address, phone, city_id FROM rentals.address WHERE address_id = 0"))
                .containsExactly(row("address", "[erased]", "phone", "", "city_id", "1"));
        // her rewards points keep a negative pseudonym, the same for both rows, as the definition computes it
        assertThat(rows("SELECT customer_id, points FROM rentals.rewards WHERE points IN (120, 30) ORDER BY points"))
                .containsExactly(row("customer_id", Long.toString(Rentals.keyedNumber("1", 32)), "points", "30"),
                        row("customer_id", Long.toString(Rentals.keyedNumber("1", 32)), "points", "120"));
        assertThat(Rentals.keyedNumber("1", 32)).isNegative().isGreaterThanOrEqualTo(Integer.MIN_VALUE);
        // nobody else is touched
        assertThat(others()).isEqualTo(before);
        // the receipt: how many rows, and how each kept row was cut loose
        assertThat(outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows)))
                .containsOnly(entry("customer", 1L), entry("address", 0L), entry("rental", 2L), entry("payment", 3L),
                        entry("rewards", 2L));
        TableOutcome payment = outcome(outcomes, "payment");
        assertThat(payment.action()).isEqualTo(ErasureAction.CUT_LOOSE);
        assertThat(payment.cutLoose()).containsExactly(
                new CutLoose("customer_id", Optional.of("customer"), CutLoose.Now.TOMBSTONE),
                new CutLoose("rental_id", Optional.of("rental"), CutLoose.Now.NULL));
        assertThat(payment.keptBecause()).hasValueSatisfying(r -> assertThat(r).contains("Tax Code"));
        assertThat(outcome(outcomes, "rewards").cutLoose()).containsExactly(
                new CutLoose("customer_id", Optional.of("customer"), CutLoose.Now.PSEUDONYM));
        assertThat(outcome(outcomes, "address").action()).isEqualTo(ErasureAction.DELETED);
        assertThat(outcome(outcomes, "address").categories()).containsExactly("contact.address", "contact.phone");
        // the ledger's counts give the same receipt lines back (a redelivered job)
        assertThat(eraser.outcomes(outcomes.stream().collect(Collectors.toMap(TableOutcome::table,
                TableOutcome::rows)))).isEqualTo(outcomes);
    }

    @Test
    void shouldDeleteTheAddress_whenNoRowOfAnyTablePointsAtItAnyMore() throws SQLException {
        // Arrange: Bekzod (4) moves in where the staff member lives; the staff table is not even mapped
        exec("UPDATE rentals.customer SET address_id = 2 WHERE customer_id = 4");
        connection.commit();

        // Act: Aziza (3) alone at address 11, then Dilnoza and Rustam, the household of address 10, then Bekzod
        long aziza = rows(eraser.erase(connection, "3"), "address");
        long dilnoza = rows(eraser.erase(connection, "1"), "address");
        long rustam = rows(eraser.erase(connection, "2"), "address");
        long bekzod = rows(eraser.erase(connection, "4"), "address");
        connection.commit();

        // Assert
        assertThat(List.of(aziza, dilnoza, rustam, bekzod)).containsExactly(1L, 0L, 1L, 0L);
        assertThat(ids("SELECT address_id FROM rentals.address ORDER BY 1")).containsExactly("0", "1", "2", "12");
        // the city the addresses were in is reference data the map does not name: it stays
        assertThat(count("SELECT count(*) FROM rentals.city")).isEqualTo(2);
        assertThat(ids("SELECT customer_id FROM rentals.customer ORDER BY 1")).containsExactly("0");
        assertThat(count("SELECT count(*) FROM rentals.payment WHERE customer_id <> 0")).isZero();
        assertThat(count("SELECT count(*) FROM rentals.payment")).isEqualTo(6);
    }

    @Test
    void shouldFollowTheChainToTheCity_whenCitiesAreReachedFromTheAddresses() throws SQLException {
        // Arrange: the cities mapped too, as the rows the subject's addresses point at
        StoreEraser chained = AppRegistry.compile(Rentals.parsed(Rentals.withCities(Rentals.yaml())),
                store -> EmbeddedDatabase.dataSource().getConnection(), PSEUDONYM_KEY).eraser(STORE);

        // Act: Aziza's address is the only one in Samarkand; Dilnoza's shared address is in Tashkent
        List<TableOutcome> aziza = chained.erase(connection, "3");
        List<TableOutcome> dilnoza = chained.erase(connection, "1");
        connection.commit();

        // Assert: the keys of the city were captured through the address before the address went
        assertThat(List.of(rows(aziza, "address"), rows(aziza, "city"))).containsExactly(1L, 1L);
        assertThat(List.of(rows(dilnoza, "address"), rows(dilnoza, "city"))).containsExactly(0L, 0L);
        assertThat(ids("SELECT city_id FROM rentals.city")).containsExactly("1");
    }

    @Test
    void shouldFindNothingAndChangeNothing_whenTheSameCustomerIsErasedAgain() throws SQLException {
        // Arrange
        eraser.erase(connection, "1");
        connection.commit();
        Map<String, String> after = snapshot();

        // Act
        List<TableOutcome> second = eraser.erase(connection, "1");
        connection.commit();

        // Assert: every count 0, every row as the first run left it, one tombstone each
        assertThat(second).hasSize(5).allSatisfy(o -> assertThat(o.rows()).as(o.table()).isZero());
        assertThat(snapshot()).isEqualTo(after);
        assertThat(count("SELECT count(*) FROM rentals.customer WHERE customer_id = 0")).isEqualTo(1);
    }

    @Test
    void shouldRollBackEverything_whenATriggerKeepsAnAddressItWasMeantToDelete() throws SQLException {
        // Arrange: the app's trigger silently skips deletes of addresses
        exec("CREATE FUNCTION rentals.keep_addresses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;"
                + " CREATE TRIGGER keep BEFORE DELETE ON rentals.address FOR EACH ROW"
                + " EXECUTE FUNCTION rentals.keep_addresses()");
        connection.commit();
        Map<String, String> before = snapshot();

        // Act + Assert: the receipt would say "1 address deleted" over a row that stays
        assertThatThrownBy(() -> eraser.erase(connection, "3")).isInstanceOfSatisfying(RowGuard.Violation.class,
                v -> assertThat(v.table()).isEqualTo("address"));
        connection.rollback();
        assertThat(snapshot()).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM rentals.customer WHERE customer_id = 0")).isZero();
    }

    @Test
    void shouldGiveTheSameReceiptAndRows_whenTheStoreTransactionIsRepeatableRead() throws SQLException {
        // Arrange: what the one-statement form does under READ COMMITTED for Aziza and then Dilnoza, rolled back
        List<TableOutcome> aziza = eraser.erase(connection, "3");
        List<TableOutcome> dilnoza = eraser.erase(connection, "1");
        Map<String, String> readCommitted = snapshot();
        connection.rollback();
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);

        // Act: the two-statement form, the captured keys bound as arrays in both of its statements
        List<TableOutcome> azizaRr = eraser.erase(connection, "3");
        List<TableOutcome> dilnozaRr = eraser.erase(connection, "1");
        Map<String, String> repeatableRead = snapshot();
        connection.commit();

        // Assert
        assertThat(azizaRr).isEqualTo(aziza);
        assertThat(dilnozaRr).isEqualTo(dilnoza);
        assertThat(rows(azizaRr, "address")).isEqualTo(1L);
        // the same rows, but for the time the tombstones were created
        assertThat(repeatableRead.toString().replaceAll("last_update=[^,}]*", ""))
                .isEqualTo(readCommitted.toString().replaceAll("last_update=[^,}]*", ""));
    }

    @Test
    void shouldRollBackEverything_whenATriggerKeepsAnAddress_inARepeatableReadTransaction() throws SQLException {
        // Arrange
        exec("CREATE FUNCTION rentals.keep_addresses() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;"
                + " CREATE TRIGGER keep BEFORE DELETE ON rentals.address FOR EACH ROW"
                + " EXECUTE FUNCTION rentals.keep_addresses()");
        connection.commit();
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        Map<String, String> before = snapshot();

        // Act + Assert
        assertThatThrownBy(() -> eraser.erase(connection, "3")).isInstanceOfSatisfying(RowGuard.Violation.class,
                v -> assertThat(v.table()).isEqualTo("address"));
        connection.rollback();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void shouldStopBeforeAnyRowChanges_whenATriggerSwallowsTheTombstone() throws SQLException {
        // Arrange: the app's trigger drops every insert into address
        exec("CREATE FUNCTION rentals.no_inserts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;"
                + " CREATE TRIGGER no_inserts BEFORE INSERT ON rentals.address FOR EACH ROW"
                + " EXECUTE FUNCTION rentals.no_inserts()");
        connection.commit();
        Map<String, String> before = snapshot();

        // Act + Assert: no payment is ever pointed at a customer whose address does not exist
        assertThatThrownBy(() -> eraser.erase(connection, "1")).isInstanceOf(TombstoneMissing.class)
                .hasMessage("the tombstone of table address is missing after it was created; nothing is erased");
        connection.rollback();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void shouldFindNobody_whenAskedForTheTombstone() throws SQLException {
        // Arrange
        eraser.erase(connection, "1");
        connection.commit();

        // Act + Assert: by its key, by its address, and a real customer still by both
        assertThat(app.subjects().find(connection, Optional.of("0"), Optional.empty())).isEmpty();
        assertThat(app.subjects().find(connection, Optional.empty(), Optional.of("erased@invalid"))).isEmpty();
        assertThat(app.subjects().find(connection, Optional.of("2"), Optional.of("rustam@rentals.example")))
                .hasValueSatisfying(s -> assertThat(s.key()).isEqualTo("2"));
    }

    @Test
    void shouldErase_whenHimoyasRoleHoldsOnlyTheGrantsInfraReadmeLists() throws SQLException {
        // Arrange: infra/README.md, "Grants for Himoya's database user", for this map
        exec("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'himoya_rentals') THEN"
                + " EXECUTE 'DROP OWNED BY himoya_rentals'; EXECUTE 'DROP ROLE himoya_rentals'; END IF; END $$;"
                + " CREATE ROLE himoya_rentals LOGIN PASSWORD 'rentals-test-only';"
                + " GRANT USAGE ON SCHEMA rentals TO himoya_rentals;"
                + " GRANT SELECT, UPDATE, DELETE ON rentals.rental, rentals.payment, rentals.rewards TO himoya_rentals;"
                // the tables with a tombstone
                + " GRANT SELECT, INSERT, UPDATE, DELETE ON rentals.customer, rentals.address TO himoya_rentals;"
                // unmapped tables with a foreign key to a referenced table
                + " GRANT SELECT ON rentals.staff, rentals.store TO himoya_rentals");
        connection.commit();
        String url = EmbeddedDatabase.get().getJdbcUrl("himoya_rentals", "postgres");
        AppRegistry.CompiledApp limited = AppRegistry.compile(Rentals.parsed(Rentals.yaml()),
                store -> java.sql.DriverManager.getConnection(url, "himoya_rentals", "rentals-test-only"),
                PSEUDONYM_KEY);

        // Act
        try (Connection c = java.sql.DriverManager.getConnection(url, "himoya_rentals", "rentals-test-only")) {
            c.setAutoCommit(false);
            limited.eraser(STORE).erase(c, "1");
            limited.eraser(STORE).erase(c, "3");
            c.commit();
        } finally {
            exec("DROP OWNED BY himoya_rentals; DROP ROLE himoya_rentals");
            connection.commit();
        }

        // Assert
        assertThat(ids("SELECT customer_id FROM rentals.customer ORDER BY 1")).containsExactly("0", "2", "4");
        assertThat(ids("SELECT address_id FROM rentals.address WHERE address_id IN (10, 11)")).containsExactly("10");
    }

    private static TableOutcome outcome(List<TableOutcome> outcomes, String table) {
        return outcomes.stream().filter(o -> o.table().equals(table)).findFirst().orElseThrow();
    }

    private static long rows(List<TableOutcome> outcomes, String table) {
        return outcome(outcomes, table).rows();
    }

    /** Every row of every table as text, by table. */
    private Map<String, String> snapshot() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            out.put(t.substring(0, t.indexOf(' ')), rows("SELECT * FROM rentals." + t).toString());
        }
        return out;
    }

    /** Every row but customer 1's and the tombstones, for "nobody else is touched". */
    private Map<String, String> others() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : List.of("customer WHERE customer_id NOT IN (0, 1) ORDER BY customer_id",
                "address WHERE address_id <> 0 ORDER BY address_id", "rental WHERE customer_id <> 1 ORDER BY rental_id",
                "payment WHERE payment_id NOT IN (1001, 1002, 1003) ORDER BY payment_id",
                "rewards WHERE customer_id = 3", "staff", "store", "city ORDER BY city_id")) {
            out.put(t, rows("SELECT * FROM rentals." + t).toString());
        }
        return out;
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> ids(String sql) throws SQLException {
        return rows(sql).stream().map(r -> r.values().iterator().next()).toList();
    }

    private List<Map<String, String>> rows(String sql) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                out.add(row);
            }
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
