package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.Accounts;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * The retention conditions of RetentionConditionsTest, with the same rules and rows, on a real MariaDB:
 * BOOLEAN (tinyint(1)), ENUM, VARCHAR under a case- and accent-insensitive collation, SMALLINT, DATETIME and
 * TIMESTAMP, over a table partitioned by range; the rows taken must be the same ones PostgreSQL takes.
 */
class MysqlRetentionConditionsTest {
    private Connection connection;

    @BeforeEach
    void freshDatabase() throws SQLException {
        try (Connection c = new org.mariadb.jdbc.Driver().connect(EmbeddedMariaDb.jdbcUrl("")
                + "&allowMultiQueries=true", new java.util.Properties()); Statement s = c.createStatement()) {
            s.execute(Accounts.mariaDbScript());
            while (s.getMoreResults() || s.getUpdateCount() != -1) {
                // drain every result, so an error in a later statement is not lost
            }
        }
        connection = EmbeddedMariaDb.connect(Accounts.SCHEMA);
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
    void shouldTakeTheRowsPostgresqlTakes_whenTheRuleRunsInBatches(String name, String column, String keep,
            String when, String expected) throws SQLException {
        // Arrange
        MysqlRetention.Rule rule = rule(Accounts.rule(column, keep, when), "customers");
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        // Act: the dry run's count, then batches of one row, each after the cursor
        long counted = rule.count(connection, scope).wouldAffect();
        List<Long> batches = drain(rule, scope, 1);

        // Assert
        assertThat(ids("SELECT id FROM customers WHERE full_name = '[erased]' ORDER BY id")).isEqualTo(expected);
        assertThat(counted).isEqualTo(expected.split(",").length);
        assertThat(batches.stream().mapToLong(Long::longValue).sum()).isEqualTo(counted);
        assertThat(rule.count(connection, scope).wouldAffect()).as("anonymized rows are not taken again").isZero();
    }

    @Test
    void shouldDeleteOnlyTheExactStatusesInEveryPartition_whenTheCollationIgnoresCaseAndPadding()
            throws SQLException {
        // Arrange: under utf8mb4_unicode_ci, 'Cancelled' and 'cancelled ' equal 'cancelled'; the rule must not
        MysqlRetention.Rule rule = rule(Accounts.rule("last_sign_in_at", "P2Y", "{ column: active, equals: false }"),
                "payments");
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of());

        // Act
        long counted = rule.count(connection, scope).wouldAffect();
        List<Long> batches = drain(rule, scope, 4);

        // Assert
        assertThat(counted).isEqualTo(6);
        assertThat(batches).containsExactly(4L, 2L);
        assertThat(ids("SELECT id FROM payments ORDER BY id")).isEqualTo("3,4,5,8,9,10");
    }

    @Test
    void shouldKeepAHeldCustomersPayments_whenTheirKeyIsExcluded() throws SQLException {
        // Arrange: customer 6 is under a legal hold
        MysqlRetention.Rule rule = rule(Accounts.rule("last_sign_in_at", "P2Y", "{ column: active, equals: false }"),
                "payments");
        SweepRule.Scope scope = new SweepRule.Scope("accounts", Accounts.AS_OF, List.of("6"));

        // Act
        SweepRule.Counts counts = rule.count(connection, scope);
        List<Long> batches = drain(rule, scope, 100);

        // Assert
        assertThat(counts).isEqualTo(new SweepRule.Counts(4, 2));
        assertThat(batches).containsExactly(4L);
        assertThat(ids("SELECT id FROM payments ORDER BY id")).isEqualTo("3,4,5,8,9,10,11,12");
    }

    @Test
    void shouldBindEveryValue_whenAValueHoldsQuotesAndSql() throws SQLException {
        // Arrange
        MysqlRetention.Rule rule = rule(Accounts.rule("last_sign_in_at", "P2Y",
                "{ column: plan, in: [\"it's\", \"x') OR ('1' = '1\"] }"), "customers");

        // Act
        List<Long> batches = drain(rule, new SweepRule.Scope("accounts", Accounts.AS_OF, List.of()), 10);

        // Assert: only the customer whose plan is it's
        assertThat(batches).containsExactly(1L);
        assertThat(ids("SELECT id FROM customers WHERE full_name = '[erased]'")).isEqualTo("2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            yes on a boolean                | { column: active, equals: yes }              | column active is tinyint(1): write true or false, unquoted
            out of a smallint's range       | { column: tier, in: [1, 40000] }             | column tier is smallint(6): write a whole number from -32768 to 32767, unquoted
            a label the enum lacks          | { column: state, in: [closed, deleted] }     | column state is an enum without the value 'deleted'; its values: [open, closed, cancelled, suspended]
            an enum label in another case   | { column: state, equals: Closed }            | column state is an enum without the value 'Closed'
            too long for the varchar        | { column: plan, equals: enterprise-unlimited } | column plan is varchar(16): the value 'enterprise-unlimited' is longer and can never match
            a decimal column                | { column: amount_due, equals: 10 }           | column amount_due is decimal(12,2); equals and in compare boolean, integer, text and enum columns
            isNull on a NOT NULL column     | { column: created_at, isNull: true }         | column created_at is NOT NULL, so isNull never holds
            """)
    void shouldRefuseTheMapNamingTheProblem_whenAValueDoesNotFitItsColumn(String name, String when, String message)
            throws SQLException {
        // Arrange
        String yaml = Accounts.map("mariadb", Accounts.rule("last_sign_in_at", "P2Y", when));

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> validated(yaml));

        // Assert
        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).contains("table customers retention.when").contains(message);
    }

    @Test
    void shouldReadEnumLabels_whenTheyHoldQuotesAndCommas() throws SQLException {
        // Arrange
        MysqlDemo.exec(connection, "CREATE TABLE odd (id BIGINT PRIMARY KEY, kind ENUM('it''s', 'a,b', '', 'x\\\\y'))");

        // Act
        Catalogue catalogue = MysqlCatalogue.load(connection, Accounts.SCHEMA);

        // Assert
        assertThat(catalogue.column("odd", "kind").orElseThrow().labels()).containsExactly("it's", "a,b", "",
                "x\\y");
        assertThat(catalogue.column("customers", "state").orElseThrow().labels()).containsExactly("open",
                "closed", "cancelled", "suspended");
        assertThat(catalogue.column("customers", "plan").orElseThrow().labels()).isEmpty();
    }

    private List<Long> drain(MysqlRetention.Rule rule, SweepRule.Scope scope, int limit) throws SQLException {
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

    private String ids(String sql) throws SQLException {
        return rows(connection, sql).stream().map(r -> r.get("id")).collect(Collectors.joining(","));
    }

    private MysqlRetention.Rule rule(String customersRetention, String table) throws SQLException {
        PrivacyMap map = validated(Accounts.map("mariadb", customersRetention));
        return MysqlRetention.plan(map, "main", MysqlCatalogue.load(connection, Accounts.SCHEMA), PSEUDONYM_KEY)
                .stream().filter(r -> r.name().equals(table)).findFirst().orElseThrow();
    }

    private PrivacyMap validated(String yaml) throws SQLException {
        return CatalogueValidator.validate(PrivacyMapParser.parse("accounts.yaml", yaml),
                MysqlCatalogue.load(connection, Accounts.SCHEMA));
    }
}
