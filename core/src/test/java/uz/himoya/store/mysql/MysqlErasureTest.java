package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static uz.himoya.store.mysql.MysqlDemo.DB;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.count;
import static uz.himoya.store.mysql.MysqlDemo.rows;
import static uz.himoya.store.mysql.MysqlDemo.sha256Hex;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.erasure.ErasureAction;

/** The demo map's erasure planned for and run against the seeded demo database in a real MariaDB 11.4. */
class MysqlErasureTest {
    private static final String SUBJECT = "1001";
    private static final String ORIGINAL_PHONE = "+998901112233";
    /** Every mapped table, each with the SQL that gives a row's user (directly or via orders). */
    private static final Map<String, String> OWNER = ordered(
            "users", "id",
            "profiles", "user_id",
            "orders", "user_id",
            "order_items", "(SELECT o.user_id FROM demo_kg.orders o WHERE o.id = order_id)",
            "access_logs", "user_id",
            "sessions", "user_id",
            "devices", "user_id",
            "marketing_consents", "user_id",
            "`CustomerNotes`", "`CustomerId`");

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
    void shouldHaveOneBoundGuardedStatementPerTable_whenDemoMapIsPlanned() {
        // Act
        List<MysqlErasure.Step> steps = plan.steps();

        // Assert
        assertThat(plan.appId()).isEqualTo("demo");
        assertThat(plan.database()).isEqualTo(DB);
        assertThat(steps).extracting(MysqlErasure.Step::table).containsExactlyInAnyOrder("users", "profiles",
                "orders", "order_items", "access_logs", "sessions", "devices", "marketing_consents", "CustomerNotes");
        for (MysqlErasure.Step step : steps) {
            for (String sql : List.of(step.count(), step.change())) {
                assertThat(sql).as(step.table()).doesNotContain(SUBJECT).doesNotContain("[erased]")
                        .doesNotContain(PSEUDONYM_KEY).doesNotContain("'").doesNotContain("\"")
                        .doesNotContain("::");
            }
            assertThat(step.count()).as(step.table()).startsWith("SELECT count(*) FROM `demo_kg`.")
                    .endsWith(" FOR UPDATE").containsOnlyOnce("?");
            assertThat(step.change().chars().filter(ch -> ch == '?').count()).as(step.table())
                    .isEqualTo(step.changeParams().size() + 1);
            assertThat(step.key()).isEqualTo(MysqlKey.INTEGER);
        }
        assertThat(step("access_logs").change())
                .isEqualTo("DELETE FROM `demo_kg`.`access_logs` WHERE `user_id` = ?");
        assertThat(step("access_logs").count())
                .isEqualTo("SELECT count(*) FROM `demo_kg`.`access_logs` AS t WHERE t.`user_id` = ? FOR UPDATE");
        assertThat(step("order_items").change()).isEqualTo("UPDATE `demo_kg`.`order_items` AS t"
                + " JOIN `demo_kg`.`orders` AS p1 ON p1.`id` = t.`order_id` SET t.`gift_note` = NULL"
                + " WHERE p1.`user_id` = ?");
        assertThat(step("order_items").count()).isEqualTo("SELECT count(*) FROM `demo_kg`.`order_items` AS t"
                + " WHERE t.`order_id` IN (SELECT p1.`id` FROM `demo_kg`.`orders` AS p1 WHERE p1.`user_id` = ?"
                + " FOR UPDATE) FOR UPDATE");
        // The count the guard tries first: the same rows, read from the snapshot without a lock
        assertThat(step("access_logs").snapshotCount())
                .contains("SELECT count(*) FROM `demo_kg`.`access_logs` AS t WHERE t.`user_id` = ?");
        assertThat(step("order_items").snapshotCount()).contains("SELECT count(*) FROM `demo_kg`.`order_items` AS t"
                + " WHERE t.`order_id` IN (SELECT p1.`id` FROM `demo_kg`.`orders` AS p1 WHERE p1.`user_id` = ?)");
        assertThat(step("CustomerNotes").change())
                .isEqualTo("DELETE FROM `demo_kg`.`CustomerNotes` WHERE `CustomerId` = ?");
        MysqlErasure.Step orders = step("orders");
        assertThat(orders.action()).isEqualTo(ErasureAction.ANONYMIZED);
        assertThat(orders.change()).isEqualTo("UPDATE `demo_kg`.`orders` AS t SET t.`delivery_address` = ?,"
                + " t.`phone` = SHA2(CONCAT(CAST(? AS CHAR CHARACTER SET utf8mb4), CONVERT(t.`phone` USING utf8mb4)),"
                + " 256), t.`recipient_name` = ?, t.`user_id` = NULL WHERE t.`user_id` = ?");
        assertThat(orders.changeParams()).containsExactly("[erased]", PSEUDONYM_KEY, "[erased]");
        assertThat(orders.anonymizedColumns()).containsExactly("delivery_address", "phone", "recipient_name",
                "user_id");
        assertThat(orders.categories()).containsExactly("contact.address", "contact.name", "contact.phone");
        assertThat(orders.keptBecause()).hasValueSatisfying(r -> assertThat(r).contains("Tax Code"));
        List<String> order = steps.stream().map(MysqlErasure.Step::table).toList();
        assertThat(order.indexOf("order_items")).isLessThan(order.indexOf("orders"));
        assertThat(order.getLast()).isEqualTo("users");
    }

    @Test
    void shouldEraseSubjectAndKeepAccountingRows_whenPlanIsExecuted() throws SQLException {
        // Arrange
        Map<String, Long> othersBefore = otherUsersRows();
        String otherOrdersBefore = rows(connection, "SELECT * FROM orders WHERE id NOT IN (5001, 5002) ORDER BY id")
                .toString() + rows(connection, "SELECT * FROM order_items WHERE order_id NOT IN (5001, 5002)"
                        + " ORDER BY id");

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT);
        connection.commit();

        // Assert: the subject's rows are gone
        for (String table : List.of("users", "profiles", "access_logs", "sessions", "devices", "marketing_consents",
                "`CustomerNotes`")) {
            assertThat(count(connection, "SELECT count(*) FROM " + table + " WHERE " + OWNER.get(table) + " = 1001"))
                    .as(table).isZero();
        }
        // the orders are kept, cut loose and overwritten, the phone with PostgreSQL's pseudonym
        List<Map<String, String>> orders = rows(connection, "SELECT id, user_id, recipient_name, delivery_address,"
                + " phone FROM orders WHERE id IN (5001, 5002) ORDER BY id");
        assertThat(orders).hasSize(2).allSatisfy(o -> assertThat(o).containsEntry("user_id", null)
                .containsEntry("recipient_name", "[erased]").containsEntry("delivery_address", "[erased]")
                .containsEntry("phone", sha256Hex(PSEUDONYM_KEY + ORIGINAL_PHONE)));
        // the order items are kept, the gift note is gone
        assertThat(rows(connection, "SELECT gift_note, sku FROM order_items WHERE id = 9001")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("gift_note", null).containsEntry("sku", "SKU-TEA-01"));
        assertThat(count(connection, "SELECT count(*) FROM order_items WHERE order_id IN (5001, 5002)")).isEqualTo(3);
        // nobody else is touched
        assertThat(otherUsersRows()).isEqualTo(othersBefore);
        assertThat(rows(connection, "SELECT * FROM orders WHERE id NOT IN (5001, 5002) ORDER BY id").toString()
                + rows(connection, "SELECT * FROM order_items WHERE order_id NOT IN (5001, 5002) ORDER BY id"))
                .isEqualTo(otherOrdersBefore);
        // one outcome per table in plan order, with the subject's row count; order_items counts 3 although
        // two of its gift notes were NULL already (found rows, not changed rows)
        assertThat(outcomes).extracting(TableOutcome::table)
                .containsExactlyElementsOf(plan.steps().stream().map(MysqlErasure.Step::table).toList());
        assertThat(outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows)))
                .containsOnly(entry("users", 1L), entry("profiles", 1L), entry("order_items", 3L),
                        entry("orders", 2L), entry("access_logs", 30L), entry("sessions", 3L), entry("devices", 1L),
                        entry("marketing_consents", 2L), entry("CustomerNotes", 2L));
        TableOutcome ordersOutcome = outcomes.stream().filter(o -> o.table().equals("orders")).findFirst().orElseThrow();
        assertThat(ordersOutcome.action()).isEqualTo(ErasureAction.ANONYMIZED);
        assertThat(ordersOutcome.categories()).containsExactly("contact.address", "contact.name", "contact.phone");
        TableOutcome users = outcomes.getLast();
        assertThat(users.action()).isEqualTo(ErasureAction.DELETED);
        assertThat(users.categories()).containsExactly("contact.email", "contact.name", "contact.phone");
        assertThat(users.keptBecause()).isEmpty();
    }

    @Test
    void shouldChangeNothing_whenSameSubjectIsErasedTwice() throws SQLException {
        // Arrange
        MysqlErasure.execute(connection, plan, SUBJECT);
        connection.commit();
        Map<String, Long> all = allRows();
        String ordersAfterFirst = rows(connection, "SELECT * FROM orders ORDER BY id").toString();

        // Act
        List<TableOutcome> second = MysqlErasure.execute(connection, plan, SUBJECT);
        connection.commit();

        // Assert
        assertThat(second).hasSize(9).allSatisfy(o -> assertThat(o.rows()).as(o.table()).isZero());
        assertThat(allRows()).isEqualTo(all);
        assertThat(rows(connection, "SELECT * FROM orders ORDER BY id").toString()).isEqualTo(ordersAfterFirst);
    }

    @Test
    void shouldLeaveEveryRowInPlace_whenTransactionIsRolledBack() throws SQLException {
        // Arrange
        Map<String, Long> before = allRows();
        String ordersBefore = rows(connection, "SELECT * FROM orders ORDER BY id").toString();

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, SUBJECT);
        connection.rollback();

        // Assert
        assertThat(outcomes).extracting(TableOutcome::rows).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(allRows()).isEqualTo(before);
        assertThat(rows(connection, "SELECT * FROM orders ORDER BY id").toString()).isEqualTo(ordersBefore);
    }

    @Test
    void shouldEraseNothing_whenSubjectDoesNotExist() throws SQLException {
        // Arrange
        Map<String, Long> before = allRows();

        // Act
        List<TableOutcome> outcomes = MysqlErasure.execute(connection, plan, "424242");
        connection.commit();

        // Assert
        assertThat(outcomes).hasSize(9).allSatisfy(o -> assertThat(o.rows()).isZero());
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void shouldRefuseTheKey_whenItIsNotANumberOfTheKeyColumn() throws SQLException {
        // Arrange: MySQL itself would compare '1001 OR 1=1' with a BIGINT as 1001, and find Dilnoza
        Map<String, Long> before = allRows();
        assertThat(count(connection, "SELECT count(*) FROM users WHERE id = '1001 OR 1=1'")).isEqualTo(1);

        // Act + Assert
        for (String key : List.of("1001 OR 1=1", "1001.0", " 1001", "1e3")) {
            assertThatThrownBy(() -> MysqlErasure.execute(connection, plan, key)).as(key)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(key);
        }
        assertThatThrownBy(() -> MysqlErasure.execute(connection, plan, "")).isInstanceOf(
                IllegalArgumentException.class);
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void shouldReportFoundRows_whenConnectorIsLeftAtItsDefault() throws SQLException {
        // Arrange: a connection whose URL does not mention useAffectedRows at all
        try (Connection plain = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + EmbeddedMariaDb.port()
                + "/" + DB + "?user=root");
                Connection affected = DriverManager.getConnection(EmbeddedMariaDb.jdbcUrl(DB).replace(
                        "useAffectedRows=false", "useAffectedRows=true"))) {
            plain.setAutoCommit(false);
            affected.setAutoCommit(false);
            String sameValue = "UPDATE orders SET phone = phone WHERE user_id = 1001";

            // Act
            long found = plain.createStatement().executeLargeUpdate(sameValue);
            plain.rollback();
            long changed = affected.createStatement().executeLargeUpdate(sameValue);
            affected.rollback();

            // Assert: found rows by default; with useAffectedRows=true the guard would see 0, so it is refused
            assertThat(found).isEqualTo(2);
            assertThat(changed).isZero();
            assertThatThrownBy(() -> MysqlErasure.execute(affected, plan, "1005"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("useAffectedRows");
            assertThat(MysqlErasure.execute(plain, plan, "1005")).filteredOn(o -> o.table().equals("orders"))
                    .singleElement().satisfies(o -> assertThat(o.rows()).isEqualTo(1));
            plain.rollback();
        }
    }

    @Test
    void shouldRefuse_whenAutoCommitIsOn() throws SQLException {
        // Arrange: with auto-commit the change would commit before its count is compared
        connection.setAutoCommit(true);
        Map<String, Long> before = allRows();

        // Act + Assert
        assertThatThrownBy(() -> MysqlErasure.execute(connection, plan, SUBJECT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
        assertThat(allRows()).isEqualTo(before);
        connection.setAutoCommit(false);
    }

    @Test
    void shouldRefuseThePlan_whenMapIsForAnotherDatabase() throws SQLException {
        // Arrange
        Catalogue catalogue = MysqlCatalogue.load(connection, DB);
        PrivacyMap map = MysqlDemo.validated(catalogue);
        Catalogue elsewhere = new Catalogue("another_db", catalogue.tables(), catalogue.relations(),
                catalogue.members(), catalogue.foreignKeys());

        // Act + Assert
        assertThatThrownBy(() -> MysqlErasure.plan(map, MysqlDemo.STORE, elsewhere, PSEUDONYM_KEY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private MysqlErasure.Step step(String table) {
        return plan.steps().stream().filter(s -> s.table().equals(table)).findFirst().orElseThrow();
    }

    /** Row counts per table of every user but 1001. */
    private Map<String, Long> otherUsersRows() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : OWNER.entrySet()) {
            for (long user : List.of(1002L, 1003L, 1004L, 1005L, 1006L)) {
                out.put(e.getKey() + "/" + user, count(connection, "SELECT count(*) FROM " + e.getKey() + " WHERE "
                        + e.getValue() + " = " + user));
            }
        }
        return out;
    }

    private Map<String, Long> allRows() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : OWNER.keySet()) {
            out.put(table, count(connection, "SELECT count(*) FROM " + table));
        }
        return out;
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
