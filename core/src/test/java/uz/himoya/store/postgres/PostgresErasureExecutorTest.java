package uz.himoya.store.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.crypto.Secrets;
import uz.himoya.store.AppRegistry;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Jdbc;
import uz.himoya.erasure.ErasureAction;
import uz.himoya.erasure.TableOutcome;

/** The demo map's erasure plan run against the seeded demo schema in a real PostgreSQL. */
class PostgresErasureExecutorTest {

    private static final String SUBJECT = "1001";
    private static final String ORIGINAL_PHONE = "+998901112233";
    /** Every table the demo map names, each with the column that points (directly or via orders) at a user. */
    private static final Map<String, String> OWNER = ordered(
            "users", "id",
            "profiles", "user_id",
            "orders", "user_id",
            "order_items", "(SELECT o.user_id FROM demo_app.orders o WHERE o.id = order_id)",
            "access_logs", "user_id",
            "sessions", "user_id",
            "devices", "user_id",
            "marketing_consents", "user_id");

    private final String pseudonymKey = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(UTF_8)), new SecureRandom()).erasurePseudonymKey();
    private Connection connection;
    private PostgresErasurePlan plan;

    @BeforeEach
    void loadDemo() throws SQLException {
        DemoStore.loadDemo();
        connection = DemoStore.dataSource().getConnection();
        AppRegistry.CompiledApp app = AppRegistry.compile(connection, "demo", pseudonymKey);
        plan = PostgresErasurePlanner.plan(app.map(), app.catalogues(), pseudonymKey);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        if (connection != null) {
            connection.rollback();
            connection.close();
        }
    }

    @Test
    void shouldHaveOneBoundStatementPerTable_whenDemoMapIsPlanned() {
        // Arrange: the plan compiled in @BeforeEach

        // Act
        List<PostgresErasurePlan.Step> steps = plan.steps();

        // Assert
        assertThat(plan.appId()).isEqualTo("demo");
        assertThat(steps).hasSize(8);
        assertThat(steps).extracting(PostgresErasurePlan.Step::table).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(OWNER.keySet());
        for (PostgresErasurePlan.Step step : steps) {
            assertThat(step.sql()).as(step.table()).doesNotContain(SUBJECT).doesNotContain("[erased]")
                    .doesNotContain(pseudonymKey).doesNotContain(ORIGINAL_PHONE);
            assertThat(step.sql().replace("'UTF8'", "").replace("'hex'", "")).as("%s: no inlined literal",
                    step.table()).doesNotContain("'");
            long placeholders = step.sql().chars().filter(ch -> ch == '?').count();
            assertThat(placeholders).as("%s: bound values plus the subject key twice", step.table())
                    .isEqualTo(step.params().size() + 2);
            assertThat(step.params()).as(step.table()).doesNotContain(SUBJECT);
        }
        PostgresErasurePlan.Step orders = step("orders");
        assertThat(orders.action()).isEqualTo(ErasureAction.ANONYMIZED);
        assertThat(orders.sql()).contains("changed AS (UPDATE \"demo_app\".\"orders\" t SET ");
        assertThat(orders.params()).containsExactlyInAnyOrder("[erased]", "[erased]", pseudonymKey);
        assertThat(orders.anonymizedColumns()).containsExactly("delivery_address", "phone", "recipient_name",
                "user_id");
        assertThat(orders.keptBecause()).hasValueSatisfying(r -> assertThat(r).contains("Tax Code"));
        // Guarded (RowGuard): the change and, read from the same snapshot, the count of the subject's rows
        assertThat(step("access_logs").sql()).isEqualTo("WITH changed AS (DELETE FROM \"demo_app\".\"access_logs\""
                + " t WHERE t.\"user_id\" = CAST(? AS bigint) RETURNING 1) SELECT (SELECT count(*) FROM"
                + " \"demo_app\".\"access_logs\" t WHERE t.\"user_id\" = CAST(? AS bigint)), (SELECT count(*)"
                + " FROM changed)");
        List<String> order = steps.stream().map(PostgresErasurePlan.Step::table).toList();
        assertThat(order.indexOf("order_items")).isLessThan(order.indexOf("orders"));
        assertThat(order.getLast()).isEqualTo("users");
    }

    @Test
    void shouldBuildTheSamePlan_whenPlannedFromCatalogueValidatorAndPlanner() throws Exception {
        // Arrange
        String yaml;
        try (var in = getClass().getClassLoader().getResourceAsStream("privacy-maps/demo.yaml")) {
            yaml = new String(in.readAllBytes(), UTF_8);
        }
        Catalogue catalogue = Catalogue.load(connection, "demo_app");
        PrivacyMap map = CatalogueValidator.validate(PrivacyMapParser.parse("privacy-maps/demo.yaml", yaml),
                catalogue);

        // Act
        PostgresErasurePlan planned = PostgresErasurePlanner.plan(map, catalogue, pseudonymKey);

        // Assert
        assertThat(planned).isEqualTo(plan);
    }

    @Test
    void shouldEraseSubjectAndKeepAccountingRows_whenPlanIsExecuted() throws SQLException {
        // Arrange
        Map<String, Long> othersBefore = otherUsersRows();

        // Act
        List<TableOutcome> outcomes = PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.commit();

        // Assert: the subject's rows are gone
        for (String table : List.of("users", "profiles", "access_logs", "sessions", "devices", "marketing_consents")) {
            assertThat(count("SELECT count(*) FROM demo_app." + table + " WHERE " + OWNER.get(table) + " = 1001"))
                    .as(table).isZero();
        }
        // the orders are kept, cut loose and overwritten
        List<Map<String, String>> orders = rows("SELECT id, user_id, recipient_name, delivery_address, phone"
                + " FROM demo_app.orders WHERE id IN (5001, 5002) ORDER BY id");
        assertThat(orders).hasSize(2);
        String expectedPseudonym = sha256Hex(pseudonymKey + ORIGINAL_PHONE);
        for (Map<String, String> o : orders) {
            assertThat(o).containsEntry("user_id", null).containsEntry("recipient_name", "[erased]")
                    .containsEntry("delivery_address", "[erased]");
            assertThat(o.get("phone")).matches("[0-9a-f]{64}").isNotEqualTo(ORIGINAL_PHONE)
                    .isEqualTo(expectedPseudonym);
        }
        assertThat(orders.get(0).get("phone")).as("a stable pseudonym").isEqualTo(orders.get(1).get("phone"));
        // the order items are kept, the gift note is gone
        assertThat(rows("SELECT gift_note, sku FROM demo_app.order_items WHERE id = 9001")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("gift_note", null).containsEntry("sku", "SKU-TEA-01"));
        assertThat(count("SELECT count(*) FROM demo_app.order_items WHERE order_id IN (5001, 5002)")).isEqualTo(3);
        // nobody else is touched
        assertThat(otherUsersRows()).isEqualTo(othersBefore);
        assertThat(rows("SELECT phone, gift_note FROM demo_app.orders o JOIN demo_app.order_items i"
                + " ON i.order_id = o.id WHERE o.id = 5004")).singleElement().satisfies(r -> assertThat(r)
                        .containsEntry("phone", "+447700900123").containsEntry("gift_note", "Happy birthday"));
        // one outcome per table, with its row count
        assertThat(outcomes).hasSize(8);
        assertThat(outcomes.stream().collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows)))
                .containsOnly(entry("users", 1L), entry("profiles", 1L), entry("order_items", 3L),
                        entry("orders", 2L), entry("access_logs", 30L), entry("sessions", 3L), entry("devices", 1L),
                        entry("marketing_consents", 2L));
        assertThat(outcomes).extracting(TableOutcome::table)
                .containsExactlyElementsOf(plan.steps().stream().map(PostgresErasurePlan.Step::table).toList());
        assertThat(outcome(outcomes, "orders").action()).isEqualTo(ErasureAction.ANONYMIZED);
        assertThat(outcome(outcomes, "orders").categories()).containsExactly("contact.address", "contact.name",
                "contact.phone");
        assertThat(outcome(outcomes, "users").action()).isEqualTo(ErasureAction.DELETED);
        assertThat(outcome(outcomes, "users").keptBecause()).isEmpty();
    }

    @Test
    void shouldChangeNothing_whenSameSubjectIsErasedTwice() throws SQLException {
        // Arrange
        PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.commit();
        Map<String, Long> allRows = allRows();
        String ordersAfterFirst = rows("SELECT * FROM demo_app.orders ORDER BY id").toString();

        // Act
        List<TableOutcome> second = PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.commit();

        // Assert
        assertThat(second).hasSize(8).allSatisfy(o -> assertThat(o.rows()).as(o.table()).isZero());
        assertThat(allRows()).isEqualTo(allRows);
        assertThat(rows("SELECT * FROM demo_app.orders ORDER BY id").toString()).isEqualTo(ordersAfterFirst);
    }

    @Test
    void shouldLeaveEveryRowInPlace_whenTransactionIsRolledBack() throws SQLException {
        // Arrange
        Map<String, Long> before = allRows();
        String ordersBefore = rows("SELECT * FROM demo_app.orders ORDER BY id").toString();

        // Act
        List<TableOutcome> outcomes = PostgresErasureExecutor.execute(connection, plan, SUBJECT);
        connection.rollback();

        // Assert
        assertThat(outcomes).extracting(TableOutcome::rows).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(allRows()).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM demo_app.access_logs WHERE user_id = 1001")).isEqualTo(30);
        assertThat(rows("SELECT * FROM demo_app.orders ORDER BY id").toString()).isEqualTo(ordersBefore);
    }

    @Test
    void shouldEraseNothing_whenSubjectDoesNotExist() throws SQLException {
        // Arrange
        Map<String, Long> before = allRows();

        // Act
        List<TableOutcome> outcomes = PostgresErasureExecutor.execute(connection, plan, "424242");
        connection.commit();

        // Assert
        assertThat(outcomes).hasSize(8).allSatisfy(o -> assertThat(o.rows()).isZero());
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void shouldTreatKeyAsValue_whenSubjectKeyLooksLikeSql() throws SQLException {
        // Arrange
        Map<String, Long> before = allRows();

        // Act
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> PostgresErasureExecutor.execute(connection, plan, "1001 OR 1=1"));
        connection.rollback();

        // Assert: the bound value fails its cast to bigint; nothing is erased
        assertThat(thrown).isInstanceOf(SQLException.class);
        assertThat(allRows()).isEqualTo(before);
    }

    /** Row counts per table of every user but 1001. */
    private Map<String, Long> otherUsersRows() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : OWNER.entrySet()) {
            for (long user : List.of(1002L, 1003L, 1004L, 1005L, 1006L)) {
                out.put(e.getKey() + "/" + user, count("SELECT count(*) FROM demo_app." + e.getKey() + " WHERE "
                        + e.getValue() + " = " + user));
            }
        }
        return out;
    }

    private Map<String, Long> allRows() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : OWNER.keySet()) {
            out.put(table, count("SELECT count(*) FROM demo_app." + table));
        }
        return out;
    }

    private long count(String sql) throws SQLException {
        return Jdbc.count(connection, sql);
    }

    private List<Map<String, String>> rows(String sql) throws SQLException {
        return Jdbc.rows(connection, sql);
    }

    private PostgresErasurePlan.Step step(String table) {
        return plan.steps().stream().filter(s -> s.table().equals(table)).findFirst().orElseThrow();
    }

    private static TableOutcome outcome(List<TableOutcome> outcomes, String table) {
        return outcomes.stream().filter(o -> o.table().equals(table)).findFirst().orElseThrow();
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
