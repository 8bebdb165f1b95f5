package uz.himoya.store.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.testing.Accounts;

/**
 * What the retention conditions (docs/privacy-map.md, "Retention rules") must do in every dialect, compiled
 * into its {@link SweepRule}s and run on a real server of its kind with the accounts app (testing/Accounts):
 * inactive customers (a boolean), a status in a list (an enum, a varchar), a second timestamp, NULL, all of
 * them together, over a partitioned table walked in batches by its keyset cursor; values always bound. Each
 * dialect takes the same rows. How a map whose value does not fit its column is refused names the dialect's
 * column types, so each dialect lists those cases itself and checks them with {@link #assertRefused}.
 */
public abstract class RetentionConditionsContract {
    /** A connection to the accounts app's store, not in auto-commit; rolled back and closed after each test. */
    protected Connection connection;

    /** The store's kind as the privacy map spells it. */
    private final String kind;

    protected RetentionConditionsContract(String kind) {
        this.kind = kind;
    }

    /** Creates the accounts app's schema afresh, seeded, and connects to it. */
    protected abstract Connection freshAccounts() throws SQLException;

    /** The accounts app's catalogue as the store has it now. */
    protected abstract Catalogue catalogue() throws SQLException;

    /** The map's retention rules compiled for the dialect against the catalogue. */
    protected abstract List<? extends SweepRule> plan(PrivacyMap map, Catalogue catalogue);

    /** The ids of the table's rows that match the where clause ("" or " WHERE ..."), in order, comma-separated. */
    protected abstract String ids(String table, String where) throws SQLException;

    @BeforeEach
    void freshSchema() throws SQLException {
        connection = freshAccounts();
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            inactive (boolean)                 | last_sign_in_at | P2Y | { column: active, equals: false }                       | 1,3,4
            state in a list (enum)             | last_sign_in_at | P2Y | { column: state, in: [closed, cancelled] }              | 1,3
            second timestamp                   | last_sign_in_at | P2Y | { column: created_at, olderThan: P3Y }                  | 1,2,3
            never signed in (NULL)             | created_at      | P3Y | { column: last_sign_in_at, isNull: true }              | 5
            plan, exactly (varchar)            | last_sign_in_at | P2Y | { column: plan, equals: free }                          | 1,4
            tier in a list (smallint)          | last_sign_in_at | P2Y | { column: tier, in: [2, 3] }                            | 3,4
            all of them                        | last_sign_in_at | P2Y | "{ all: [ { column: active, equals: false }, { column: state, in: [closed, cancelled] }, { column: plan, in: [free] }, { column: tier, in: [1, 2] }, { column: created_at, olderThan: P3Y } ] }" | 1
            """)
    void shouldTakeExactlyTheRowsTheConditionNames_whenTheRuleRunsInBatches(String name, String column, String keep,
            String when, String expected) throws SQLException {
        // Arrange
        SweepRule rule = rule(Accounts.rule(column, keep, when), "customers");
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        // Act: the dry run's count, then batches of one row, so every row after the first is found through the
        // cursor
        long counted = rule.count(connection, scope).wouldAffect();
        List<Long> batches = drain(rule, scope, 1);

        // Assert
        assertThat(ids("customers", " WHERE full_name = '[erased]'")).isEqualTo(expected);
        assertThat(counted).isEqualTo(expected.split(",").length);
        assertThat(batches.stream().mapToLong(Long::longValue).sum()).isEqualTo(counted);
        assertThat(rule.count(connection, scope).wouldAffect()).as("anonymized rows are not taken again").isZero();
    }

    @Test
    void shouldDeleteOnlyTheExactStatusesInEveryPartition_whenBatchesWalkTheCursor() throws SQLException {
        // Arrange: refunded or cancelled payments older than a year, in partitions 2024 and 2025; 'Cancelled'
        // and 'cancelled ' are other values, also where a collation that ignores case and padding (MariaDB's
        // utf8mb4_unicode_ci) holds them equal to 'cancelled'
        SweepRule rule = paymentsRule();
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        // Act
        long counted = rule.count(connection, scope).wouldAffect();
        List<Long> batches = drain(rule, scope, 4);

        // Assert
        assertThat(counted).isEqualTo(6);
        assertThat(batches).containsExactly(4L, 2L);
        assertThat(ids("payments", "")).isEqualTo("3,4,5,8,9,10");
    }

    @Test
    void shouldKeepAHeldCustomersPayments_whenTheirKeyIsExcluded() throws SQLException {
        // Arrange: customer 6 is under a legal hold
        SweepRule rule = paymentsRule();
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of("6"));

        // Act
        SweepRule.Counts counts = rule.count(connection, scope);
        List<Long> batches = drain(rule, scope, 100);

        // Assert
        assertThat(counts).isEqualTo(new SweepRule.Counts(4, 2));
        assertThat(batches).containsExactly(4L);
        assertThat(ids("payments", "")).isEqualTo("3,4,5,8,9,10,11,12");
    }

    @Test
    void shouldBindEveryValue_whenAValueHoldsQuotesAndSql() throws SQLException {
        // Arrange
        SweepRule rule = rule(Accounts.rule("last_sign_in_at", "P2Y", BOUND_VALUES), "customers");

        // Act
        List<Long> batches = drain(rule, new SweepRule.Scope("accounts", Accounts.AS_OF, List.of()), 10);

        // Assert: only the customer whose plan is it's
        assertThat(batches).containsExactly(1L);
        assertThat(ids("customers", " WHERE full_name = '[erased]'")).isEqualTo("2");
    }

    /** A condition whose values would break out of a quoted SQL literal. */
    protected static final String BOUND_VALUES = "{ column: plan, in: [\"it's\", \"x') OR ('1' = '1\"] }";

    @Test
    void shouldAcceptQuotedBooleansAndNumbers_whenTheColumnHoldsText() throws SQLException {
        // Arrange
        String when = "{ column: plan, in: [\"yes\", \"12\", 7, pro] }";

        // Act
        PrivacyMap map = validated(Accounts.map(kind, Accounts.rule("last_sign_in_at", "P2Y", when)));

        // Assert
        PrivacyMap.Retention r = map.table("customers").orElseThrow().retention().orElseThrow();
        assertThat(r.checks()).singleElement().isInstanceOfSatisfying(PrivacyMap.Condition.OneOf.class,
                o -> assertThat(o.values()).extracting(PrivacyMap.Literal::text).containsExactly("yes", "12", "7",
                        "pro"));
    }

    /**
     * Asserts that the customers' retention condition when is refused with the message, at the map's line that
     * holds it.
     */
    protected void assertRefused(String name, String when, String message) throws SQLException {
        // Arrange
        String yaml = Accounts.map(kind, Accounts.rule("last_sign_in_at", "P2Y", when));

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> validated(yaml));

        // Assert
        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).contains("accounts.yaml:" + lineOfCustomersRetention(yaml) + ": ")
                .contains("table customers retention.when").contains(message);
    }

    /** The customers' rule compiled for the dialect. */
    protected SweepRule rule(String customersRetention, String table) throws SQLException {
        return plan(validated(Accounts.map(kind, customersRetention)), catalogue()).stream()
                .filter(r -> r.name().equals(table)).findFirst().orElseThrow();
    }

    private SweepRule paymentsRule() throws SQLException {
        return rule(Accounts.rule("last_sign_in_at", "P2Y", "{ column: active, equals: false }"), "payments");
    }

    private PrivacyMap validated(String yaml) throws SQLException {
        return CatalogueValidator.validate(PrivacyMapParser.parse("accounts.yaml", yaml), catalogue());
    }

    private static int lineOfCustomersRetention(String yaml) {
        String[] lines = yaml.split("\n");
        int last = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("retention: {")) {
                last = i + 1;
            }
        }
        return last;
    }

    private List<Long> drain(SweepRule rule, SweepRule.Scope scope, int limit) throws SQLException {
        List<Long> batches = new ArrayList<>();
        Optional<SweepRule.Cursor> cursor = Optional.empty();
        while (true) {
            SweepRule.Batch b = rule.batch(connection, scope, cursor, limit);
            connection.commit();
            assertThat(b.affected()).isEqualTo(b.picked());
            if (b.picked() > 0) {
                batches.add(b.picked());
            }
            if (b.picked() < limit) {
                return batches;
            }
            cursor = b.last();
        }
    }
}
