package uz.himoya.store.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
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
import uz.himoya.erasure.ErasureAction;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.Jdbc;
import uz.himoya.testing.Rentals;

/**
 * What the erasure through references must do in every dialect, on a real server of its kind with the rental
 * shop shaped like Sakila (rentals/schema.sql, rentals-mariadb/schema.sql; issue 11, part 9): the customer's
 * address is reached from the customer (referencedBy customer.address_id) and kept while any row of any table,
 * mapped or not, still points at it; payments kept for the tax law are cut loose to a tombstone customer with
 * key 0 that Himoya creates, at a tombstone address; rewards keep a keyed numeric pseudonym, the same in every
 * dialect. Dilnoza (1) shares address 10 with Rustam (2), Aziza (3) lives alone at address 11, Bekzod (4) at 12.
 * Each dialect takes the same rows; how it plans and guards them is its subclass's to check.
 */
public abstract class ReferencedRowsErasureContract {
    /** Every table the erasure may touch, and the ones it must not, with a stable order for comparisons. */
    private static final List<String> TABLES = List.of("customer ORDER BY customer_id", "address ORDER BY address_id",
            "rental ORDER BY rental_id", "payment ORDER BY payment_id", "rewards ORDER BY customer_id, points",
            "staff ORDER BY staff_id", "store ORDER BY store_id", "city ORDER BY city_id");

    /**
     * A connection to the rental shop's store whose unqualified table names are the shop's, not in auto-commit;
     * rolled back and closed after each test.
     */
    protected Connection connection;
    /** The map for the dialect, compiled against the store's catalogue. */
    protected AppRegistry.CompiledApp app;
    protected StoreEraser eraser;

    /** The rental shop's map with its store of the dialect's kind. */
    private final String yaml;
    /** How the dialect's driver reads a false boolean column as text. */
    private final String falseAsText;

    protected ReferencedRowsErasureContract(String yaml, String falseAsText) {
        this.yaml = yaml;
        this.falseAsText = falseAsText;
    }

    /** Creates the rental shop's schema afresh, seeded, and drops a database user a test left behind. */
    protected abstract void freshRentals() throws SQLException;

    /** A new connection to the rental shop's store, in auto-commit, unqualified names resolving to its tables. */
    protected abstract Connection connect() throws SQLException;

    /** Grants the privileges on the shop's tables to Himoya's own database user, created if it is missing. */
    protected abstract void grant(String privileges, String... tables) throws SQLException;

    /** A new connection to the store as Himoya's own database user, in auto-commit. */
    protected abstract Connection asHimoya() throws SQLException;

    /** Drops Himoya's own database user and what it holds. */
    protected abstract void dropHimoya() throws SQLException;

    @BeforeEach
    void load() throws SQLException {
        freshRentals();
        app = compile(yaml);
        eraser = app.eraser(STORE);
        connection = connect();
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        try (Connection c = connection) {
            c.rollback(); // what a failed test left uncommitted
        }
    }

    @Test
    void shouldKeepTheSharedAddressAndCutPaymentsLoose_whenACustomerOfAHouseholdIsErased() throws SQLException {
        // Arrange: Dilnoza (1) lives with Rustam (2) at address 10
        Map<String, String> before = others();

        // Act
        List<TableOutcome> outcomes = eraser.erase(connection, "1");
        connection.commit();

        // Assert: her customer row and rentals are gone
        assertThat(count("SELECT count(*) FROM customer WHERE customer_id = 1")).isZero();
        assertThat(count("SELECT count(*) FROM rental WHERE rental_id IN (101, 102)")).isZero();
        // the shared address stays, as Rustam's row still points at it
        assertThat(count("SELECT count(*) FROM address WHERE address_id = 10")).isEqualTo(1);
        assertThat(rows("SELECT address FROM address WHERE address_id = 10")).containsExactly(
                Map.of("address", "Yunusobod 4-12"));
        // her payments stay for the tax law, pointing at the tombstone customer, cut from the deleted rentals
        assertThat(rows("SELECT payment_id, customer_id, rental_id, amount FROM payment"
                + " WHERE payment_id IN (1001, 1002, 1003) ORDER BY payment_id")).containsExactly(
                        row("payment_id", "1001", "customer_id", "0", "rental_id", null, "amount", "2.99"),
                        row("payment_id", "1002", "customer_id", "0", "rental_id", null, "amount", "4.99"),
                        row("payment_id", "1003", "customer_id", "0", "rental_id", null, "amount", "1.00"));
        // the tombstones Himoya created: a customer that is nobody, with key 0, at an address that is nowhere
        assertThat(rows("SELECT customer_id, first_name, email, address_id, active FROM customer"
                + " WHERE first_name = '[erased]'")).containsExactly(row("customer_id", "0", "first_name", "[erased]",
                        "email", "erased@invalid", "address_id", "0", "active", falseAsText));
        assertThat(rows("SELECT address, phone, city_id FROM address WHERE address_id = 0"))
                .containsExactly(row("address", "[erased]", "phone", "", "city_id", "1"));
        // her rewards points keep a negative pseudonym, the same for both rows and in every dialect, as the
        // definition computes it
        assertThat(rows("SELECT customer_id, points FROM rewards WHERE points IN (120, 30) ORDER BY points"))
                .containsExactly(row("customer_id", Long.toString(Rentals.keyedNumber("1", 32)), "points", "30"),
                        row("customer_id", Long.toString(Rentals.keyedNumber("1", 32)), "points", "120"));
        assertThat(rows("SELECT DISTINCT customer_id FROM rewards WHERE points IN (120, 30)"))
                .containsExactly(row("customer_id", Long.toString(Rentals.keyedNumber("1", 32))));
        assertThat(Rentals.keyedNumber("1", 32)).isNegative().isGreaterThanOrEqualTo(Integer.MIN_VALUE);
        // nobody else is touched
        assertThat(others()).isEqualTo(before);
        // the receipt: how many rows, and how each kept row was cut loose
        assertThat(counts(outcomes)).containsOnly(entry("customer", 1L), entry("address", 0L), entry("rental", 2L),
                entry("payment", 3L), entry("rewards", 2L));
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
        assertThat(eraser.outcomes(counts(outcomes))).isEqualTo(outcomes);
    }

    @Test
    void shouldDeleteTheAddress_whenNoRowOfAnyTablePointsAtItAnyMore() throws SQLException {
        // Arrange: Bekzod (4) moves in where the staff member lives; the staff table is not even mapped
        exec("UPDATE customer SET address_id = 2 WHERE customer_id = 4");
        connection.commit();

        // Act: Aziza (3) alone at address 11, then Dilnoza and Rustam, the household of address 10, then Bekzod
        List<Long> deleted = new ArrayList<>();
        for (String customer : List.of("3", "1", "2", "4")) {
            deleted.add(rows(eraser.erase(connection, customer), "address"));
        }
        connection.commit();

        // Assert
        assertThat(deleted).containsExactly(1L, 0L, 1L, 0L);
        assertThat(ids("SELECT address_id FROM address ORDER BY 1")).containsExactly("0", "1", "2", "12");
        // the city the addresses were in is reference data the map does not name: it stays
        assertThat(count("SELECT count(*) FROM city")).isEqualTo(2);
        assertThat(ids("SELECT customer_id FROM customer ORDER BY 1")).containsExactly("0");
        assertThat(count("SELECT count(*) FROM payment WHERE customer_id <> 0")).isZero();
        assertThat(count("SELECT count(*) FROM payment WHERE customer_id = 0")).isEqualTo(6);
        assertThat(count("SELECT count(*) FROM payment")).isEqualTo(6);
    }

    @Test
    void shouldFollowTheChainToTheCity_whenCitiesAreReachedFromTheAddresses() throws SQLException {
        // Arrange: the cities mapped too, as the rows the subject's addresses point at
        StoreEraser chained = compile(Rentals.withCities(yaml)).eraser(STORE);

        // Act: Aziza's address is the only one in Samarkand; Dilnoza's shared address is in Tashkent
        List<TableOutcome> aziza = chained.erase(connection, "3");
        List<TableOutcome> dilnoza = chained.erase(connection, "1");
        connection.commit();

        // Assert: the keys of the city were captured through the address before the address went
        assertThat(List.of(rows(aziza, "address"), rows(aziza, "city"))).containsExactly(1L, 1L);
        assertThat(List.of(rows(dilnoza, "address"), rows(dilnoza, "city"))).containsExactly(0L, 0L);
        assertThat(ids("SELECT city_id FROM city")).containsExactly("1");
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
        assertThat(count("SELECT count(*) FROM customer WHERE customer_id = 0")).isEqualTo(1);
    }

    @Test
    void shouldFindNobody_whenAskedForTheTombstone() throws SQLException {
        // Arrange
        eraser.erase(connection, "1");
        connection.commit();

        // Act + Assert: by its key, by its address (also where a collation ignores case), and a real customer
        // still by both
        assertThat(app.subjects().find(connection, Optional.of("0"), Optional.empty())).isEmpty();
        assertThat(app.subjects().find(connection, Optional.empty(), Optional.of("erased@invalid"))).isEmpty();
        assertThat(app.subjects().find(connection, Optional.empty(), Optional.of("ERASED@invalid"))).isEmpty();
        assertThat(app.subjects().find(connection, Optional.of("2"), Optional.empty())).isPresent();
        assertThat(app.subjects().find(connection, Optional.of("2"), Optional.of("rustam@rentals.example")))
                .hasValueSatisfying(s -> assertThat(s.key()).isEqualTo("2"));
    }

    @Test
    void shouldErase_whenHimoyasUserHoldsOnlyTheGrantsInfraReadmeLists() throws SQLException {
        // Arrange: infra/README.md, "Grants for Himoya's database user", for this map
        grant("SELECT, UPDATE, DELETE", "rental", "payment", "rewards");
        grant("SELECT, INSERT, UPDATE, DELETE", "customer", "address"); // the tables with a tombstone
        grant("SELECT", "staff", "store"); // unmapped tables with a foreign key to a referenced table
        connection.commit();
        AppRegistry.CompiledApp limited = AppRegistry.compile(Rentals.parsed(yaml), store -> asHimoya(),
                PSEUDONYM_KEY);

        // Act
        try (Connection c = asHimoya()) {
            c.setAutoCommit(false);
            limited.eraser(STORE).erase(c, "1");
            limited.eraser(STORE).erase(c, "3");
            c.commit();
        } finally {
            dropHimoya();
            connection.commit();
        }

        // Assert
        assertThat(count("SELECT count(*) FROM customer WHERE customer_id IN (1, 3)")).isZero();
        assertThat(count("SELECT count(*) FROM customer WHERE customer_id = 0")).isEqualTo(1);
        assertThat(ids("SELECT customer_id FROM customer ORDER BY 1")).containsExactly("0", "2", "4");
        assertThat(ids("SELECT address_id FROM address WHERE address_id IN (10, 11)")).containsExactly("10");
    }

    /** Asserts the map's order: payments and rentals before their customer, the customer before its address. */
    protected void assertReferencingRowsFirst() {
        List<String> order = app.map().tables().stream().map(PrivacyMap.Table::name).toList();
        assertThat(order.indexOf("payment")).isLessThan(order.indexOf("rental"));
        assertThat(order.indexOf("rental")).isLessThan(order.indexOf("customer"));
        assertThat(order.indexOf("customer")).isLessThan(order.indexOf("address"));
    }

    /** The map compiled against the store's catalogue, its store reached through {@link #connect()}. */
    protected AppRegistry.CompiledApp compile(String yaml) throws SQLException {
        return AppRegistry.compile(Rentals.parsed(yaml), store -> connect(), PSEUDONYM_KEY);
    }

    protected static TableOutcome outcome(List<TableOutcome> outcomes, String table) {
        return outcomes.stream().filter(o -> o.table().equals(table)).findFirst().orElseThrow();
    }

    protected static long rows(List<TableOutcome> outcomes, String table) {
        return outcome(outcomes, table).rows();
    }

    private static Map<String, Long> counts(List<TableOutcome> outcomes) {
        return outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows));
    }

    /** Every row of every table as text, by table. */
    protected Map<String, String> snapshot() throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            out.put(t.substring(0, t.indexOf(' ')), rows("SELECT * FROM " + t).toString());
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
            out.put(t, rows("SELECT * FROM " + t).toString());
        }
        return out;
    }

    protected void exec(String sql) throws SQLException {
        Jdbc.exec(connection, sql);
    }

    protected long count(String sql) throws SQLException {
        return Jdbc.count(connection, sql);
    }

    /** The first column of every row. */
    protected List<String> ids(String sql) throws SQLException {
        return rows(sql).stream().map(r -> r.values().iterator().next()).toList();
    }

    /** Every row as column label to value as text. */
    protected List<Map<String, String>> rows(String sql) throws SQLException {
        return Jdbc.rows(connection, sql);
    }

    protected static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
