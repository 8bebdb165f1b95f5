package uz.himoya.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.RetentionConditionsContract;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.Accounts;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Rentals;

/**
 * The retention conditions' contract on PostgreSQL: the accounts app on the demo store's embedded server, its
 * payments partitioned by range; boolean, enum, text, varchar, smallint and timestamptz columns.
 */
class PostgresRetentionConditionsTest extends RetentionConditionsContract {

    PostgresRetentionConditionsTest() {
        super("postgresql");
    }

    @Override
    protected Connection freshAccounts() throws SQLException {
        Accounts.createPostgres();
        return DemoStore.dataSource().getConnection();
    }

    @Override
    protected Catalogue catalogue() throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection()) {
            return Catalogue.load(c, Accounts.SCHEMA);
        }
    }

    @Override
    protected List<? extends SweepRule> plan(PrivacyMap map, Catalogue catalogue) {
        return PostgresRetention.plan(map, catalogue, Rentals.PSEUDONYM_KEY);
    }

    @Override
    protected String ids(String table, String where) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM "
                        + Accounts.SCHEMA + "." + table + where)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void shouldHoldOnlyPlaceholders_whenAValueHoldsQuotesAndSql() throws SQLException {
        // Act
        PostgresSweepRule rule = (PostgresSweepRule) rule(Accounts.rule("last_sign_in_at", "P2Y", BOUND_VALUES),
                "customers");

        // Assert: the values travel as parameters, never in the SQL's text
        assertThat(rule.filter()).doesNotContain("it's").doesNotContain("OR (").contains("\"plan\" IN (?, ?)");
        assertThat(rule.filterParams()).startsWith("it's", "x') OR ('1' = '1");
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
        assertRefused(name, when, message);
    }
}
