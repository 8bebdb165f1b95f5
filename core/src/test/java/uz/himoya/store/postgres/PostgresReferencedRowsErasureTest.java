package uz.himoya.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;
import static uz.himoya.testing.Rentals.STORE;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import uz.himoya.db.RowGuard;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.TombstoneMissing;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.store.port.ReferencedRowsErasureContract;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;

/**
 * The erasure through references' contract on a real PostgreSQL, the rental shop shaped like Sakila/Pagila
 * (rentals/schema.sql) in Himoya's own embedded server; and what only PostgreSQL does: the plan's SQL, the
 * two-statement form under REPEATABLE READ, and triggers that keep or swallow rows.
 */
class PostgresReferencedRowsErasureTest extends ReferencedRowsErasureContract {
    private static final String HIMOYA = "himoya_rentals";
    private static final String PASSWORD = "rentals-test-only";

    PostgresReferencedRowsErasureTest() {
        super(Rentals.yaml(), "f");
    }

    @Override
    protected void freshRentals() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        EmbeddedDatabase.run("rentals/seed.sql");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '" + HIMOYA
                    + "') THEN EXECUTE 'DROP OWNED BY " + HIMOYA + "'; EXECUTE 'DROP ROLE " + HIMOYA + "'; END IF;"
                    + " END $$");
        }
    }

    @Override
    protected Connection connect() throws SQLException {
        // search_path is set while in auto-commit: a SET in a transaction rolled back later would be undone
        Connection c = EmbeddedDatabase.dataSource().getConnection();
        c.setSchema(Rentals.SCHEMA);
        return c;
    }

    @Override
    protected void grant(String privileges, String... tables) throws SQLException {
        exec("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + HIMOYA + "') THEN"
                + " CREATE ROLE " + HIMOYA + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$;"
                + " GRANT USAGE ON SCHEMA rentals TO " + HIMOYA + ";"
                + " GRANT " + privileges + " ON rentals." + String.join(", rentals.", tables) + " TO " + HIMOYA);
    }

    @Override
    protected Connection asHimoya() throws SQLException {
        return DriverManager.getConnection(EmbeddedDatabase.get().getJdbcUrl(HIMOYA, "postgres"), HIMOYA, PASSWORD);
    }

    @Override
    protected void dropHimoya() throws SQLException {
        exec("DROP OWNED BY " + HIMOYA + "; DROP ROLE " + HIMOYA);
    }

    @Test
    void shouldOrderReferencingRowsFirst_whenTheMapFollowsCustomerAddressId() {
        // Act
        List<String> order = app.map().tables().stream().map(PrivacyMap.Table::name).toList();
        PostgresErasurePlan plan = PostgresErasurePlanner.plan(app.map(), STORE, app.catalogues().get(STORE), PSEUDONYM_KEY);

        // Assert: payments and rentals before their customer, the customer before the address it points at
        assertThat(order).containsExactlyInAnyOrder("customer", "address", "rental", "payment", "rewards");
        assertReferencingRowsFirst();
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
        assertThatThrownBy(() -> compile(yaml)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("table staff references address, whose rows are deleted, but is not mapped");
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
}
