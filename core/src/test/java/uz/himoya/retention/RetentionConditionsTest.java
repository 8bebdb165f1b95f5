package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static uz.himoya.retention.LedgerSweeps.SECRETS;
import static uz.himoya.retention.LedgerSweeps.strings;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapException;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.Accounts;
import uz.himoya.testing.DemoStore;
import uz.himoya.store.postgres.PostgresRetention;
import uz.himoya.store.postgres.PostgresSweepRule;

/**
 * Retention conditions (docs/privacy-map.md, "Retention rules") compiled for PostgreSQL and run on a real
 * one: inactive customers (a boolean), a status in a list (an enum, a varchar), a second timestamp, NULL,
 * all of them together, over a partitioned table walked in batches by its keyset cursor; values always bound.
 * MysqlRetentionConditionsTest runs the same rules on MariaDB.
 */
class RetentionConditionsTest {

    @BeforeEach
    void freshSchema() {
        Accounts.createPostgres();
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
        PostgresSweepRule rule = customersRule(Accounts.rule(column, keep, when));
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        try (Connection c = DemoStore.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // Act: the dry run's count, then batches of one row, so every row after the first is found through
            // the cursor
            long counted = rule.count(c, scope).wouldAffect();
            List<Long> batches = drain(c, rule, scope, 1);

            // Assert
            assertThat(strings(DemoStore.dataSource(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts_app.customers"
                    + " WHERE full_name = '[erased]'")).containsExactly(expected);
            assertThat(counted).isEqualTo(expected.split(",").length);
            assertThat(batches.stream().mapToLong(Long::longValue).sum()).isEqualTo(counted);
            assertThat(rule.count(c, scope).wouldAffect()).as("anonymized rows are not taken again").isZero();
        }
    }

    @Test
    void shouldDeleteOnlyTheExactStatusesInEveryPartition_whenBatchesWalkTheCursor() throws SQLException {
        // Arrange: refunded or cancelled payments older than a year, in partitions 2024 and 2025; 'Cancelled'
        // and 'cancelled ' are other values
        PostgresSweepRule rule = paymentsRule();
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        try (Connection c = DemoStore.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // Act
            long counted = rule.count(c, scope).wouldAffect();
            List<Long> batches = drain(c, rule, scope, 4);

            // Assert
            assertThat(counted).isEqualTo(6);
            assertThat(batches).containsExactly(4L, 2L);
            assertThat(strings(DemoStore.dataSource(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts_app.payments"))
                    .containsExactly("3,4,5,8,9,10");
        }
    }

    @Test
    void shouldKeepAHeldCustomersPayments_whenTheirKeyIsExcluded() throws SQLException {
        // Arrange: customer 6 is under a legal hold
        PostgresSweepRule rule = paymentsRule();
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of("6"));

        try (Connection c = DemoStore.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // Act
            SweepRule.Counts counts = rule.count(c, scope);
            List<Long> batches = drain(c, rule, scope, 100);

            // Assert
            assertThat(counts).isEqualTo(new SweepRule.Counts(4, 2));
            assertThat(batches).containsExactly(4L);
            assertThat(strings(DemoStore.dataSource(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts_app.payments"))
                    .containsExactly("3,4,5,8,9,10,11,12");
        }
    }

    @Test
    void shouldBindEveryValue_whenAValueHoldsQuotesAndSql() throws SQLException {
        // Arrange
        String when = "{ column: plan, in: [\"it's\", \"x') OR ('1' = '1\"] }";
        PostgresSweepRule rule = customersRule(Accounts.rule("last_sign_in_at", "P2Y", when));

        try (Connection c = DemoStore.dataSource().getConnection()) {
            c.setAutoCommit(false);
            // Act
            List<Long> batches = drain(c, rule, new SweepRule.Scope("accounts", Accounts.AS_OF, List.of()), 10);

            // Assert: the SQL holds placeholders only; the one customer whose plan is it's is taken
            assertThat(rule.filter()).doesNotContain("it's").doesNotContain("OR (").contains("\"plan\" IN (?, ?)");
            assertThat(rule.filterParams()).startsWith("it's", "x') OR ('1' = '1");
            assertThat(batches).containsExactly(1L);
            assertThat(strings(DemoStore.dataSource(), "SELECT string_agg(id::text, ',') FROM accounts_app.customers"
                    + " WHERE full_name = '[erased]'")).containsExactly("2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            yes on a boolean                | { column: active, equals: yes }              | column active is boolean: write true or false, unquoted
            quoted false on a boolean       | { column: active, equals: 'false' }          | column active is boolean: write true or false, unquoted
            out of a smallint's range       | { column: tier, in: [1, 40000] }             | column tier is smallint: write a whole number from -32768 to 32767, unquoted
            a decimal on a smallint         | { column: tier, equals: 1.5 }                | write a whole number
            the same number twice           | { column: tier, in: [0, -0] }                | value '-0' is the same as another value of the list for column tier
            a label the enum lacks          | { column: state, in: [closed, deleted] }     | column state is an enum without the value 'deleted'; its values: [open, closed, cancelled, suspended]
            a plain boolean on an enum      | { column: state, equals: on }                | YAML reads a plain on as a boolean
            too long for the varchar        | { column: plan, equals: enterprise-unlimited } | the value 'enterprise-unlimited' is longer and can never match
            a numeric column                | { column: amount_due, equals: 10 }           | column amount_due is numeric(12,2); equals and in compare boolean, integer, text and enum columns
            isNull on a NOT NULL column     | { column: created_at, isNull: true }         | column created_at is NOT NULL, so isNull never holds
            olderThan on a boolean          | { column: active, olderThan: P1Y }           | column customers.active is boolean, not a date or timestamp
            an unknown column               | { column: activ, equals: false }             | unknown column 'activ' in table customers
            """)
    void shouldRefuseTheMapNamingTheProblem_whenAValueDoesNotFitItsColumn(String name, String when, String message)
            throws SQLException {
        // Arrange
        String yaml = Accounts.map("postgresql", Accounts.rule("last_sign_in_at", "P2Y", when));

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> validated(yaml));

        // Assert
        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).contains("accounts.yaml:" + (lineOfCustomersRetention(yaml)) + ": ")
                .contains("table customers retention.when").contains(message);
    }

    @Test
    void shouldAcceptQuotedBooleansAndNumbers_whenTheColumnHoldsText() throws SQLException {
        // Arrange
        String when = "{ column: plan, in: [\"yes\", \"12\", 7, pro] }";

        // Act
        PrivacyMap map = validated(Accounts.map("postgresql", Accounts.rule("last_sign_in_at", "P2Y", when)));

        // Assert
        PrivacyMap.Retention r = map.table("customers").orElseThrow().retention().orElseThrow();
        assertThat(r.checks()).singleElement().isInstanceOfSatisfying(PrivacyMap.Condition.OneOf.class,
                o -> assertThat(o.values()).extracting(PrivacyMap.Literal::text).containsExactly("yes", "12", "7",
                        "pro"));
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

    private static List<Long> drain(Connection c, PostgresSweepRule rule, SweepRule.Scope scope, int limit)
            throws SQLException {
        List<Long> batches = new ArrayList<>();
        Optional<SweepRule.Cursor> cursor = Optional.empty();
        while (true) {
            SweepRule.Batch b = rule.batch(c, scope, cursor, limit);
            c.commit();
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

    private static PostgresSweepRule customersRule(String retention) throws SQLException {
        return rule(validated(Accounts.map("postgresql", retention)), "customers");
    }

    private static PostgresSweepRule paymentsRule() throws SQLException {
        return rule(validated(Accounts.map("postgresql", Accounts.rule("last_sign_in_at", "P2Y",
                "{ column: active, equals: false }"))), "payments");
    }

    private static PostgresSweepRule rule(PrivacyMap map, String table) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection()) {
            return PostgresRetention.plan(map, Catalogue.load(c, Accounts.SCHEMA), SECRETS.erasurePseudonymKey())
                    .stream().filter(r -> r.name().equals(table)).findFirst().orElseThrow();
        }
    }

    private static PrivacyMap validated(String yaml) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection()) {
            return CatalogueValidator.validate(PrivacyMapParser.parse("accounts.yaml", yaml),
                    Catalogue.load(c, Accounts.SCHEMA));
        }
    }
}
