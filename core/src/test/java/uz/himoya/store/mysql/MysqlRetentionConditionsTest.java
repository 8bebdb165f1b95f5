package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.rows;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.RetentionConditionsContract;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.Accounts;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * The retention conditions' contract on a real MariaDB: BOOLEAN (tinyint(1)), ENUM, VARCHAR under a case- and
 * accent-insensitive collation, SMALLINT, DATETIME and TIMESTAMP, over a table partitioned by range; the rows
 * taken must be the same ones PostgreSQL takes.
 */
class MysqlRetentionConditionsTest extends RetentionConditionsContract {

    MysqlRetentionConditionsTest() {
        super("mariadb");
    }

    @Override
    protected Connection freshAccounts() throws SQLException {
        try (Connection c = new org.mariadb.jdbc.Driver().connect(EmbeddedMariaDb.jdbcUrl("")
                + "&allowMultiQueries=true", new java.util.Properties()); Statement s = c.createStatement()) {
            s.execute(Accounts.mariaDbScript());
            while (s.getMoreResults() || s.getUpdateCount() != -1) {
                // drain every result, so an error in a later statement is not lost
            }
        }
        return EmbeddedMariaDb.connect(Accounts.SCHEMA);
    }

    @Override
    protected Catalogue catalogue() throws SQLException {
        return MysqlCatalogue.load(connection, Accounts.SCHEMA);
    }

    @Override
    protected List<? extends SweepRule> plan(PrivacyMap map, Catalogue catalogue) {
        return MysqlRetention.plan(map, "main", catalogue, PSEUDONYM_KEY);
    }

    @Override
    protected String ids(String table, String where) throws SQLException {
        return rows(connection, "SELECT id FROM " + table + where + " ORDER BY id").stream().map(r -> r.get("id"))
                .collect(Collectors.joining(","));
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
        assertRefused(name, when, message);
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
}
