package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.store.mysql.MysqlDemo.rows;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.store.port.SweepRule;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.EmbeddedMariaDb;
import uz.himoya.testing.Rentals;

/**
 * Retention batches on the Sakila-shaped rental shop in MariaDB (rentals-mariadb/schema.sql), as
 * uz.himoya.retention.TombstoneRetentionTest on PostgreSQL: the tombstone is never picked, and a keyed-number
 * pseudonym is never hashed twice.
 */
class MysqlTombstoneRetentionTest {
    private static final SweepRule.Scope LATER = new SweepRule.Scope("rentals", Instant.now().plus(3650,
            ChronoUnit.DAYS), List.of());
    private Connection connection;
    private Map<String, MysqlRetention.Rule> rules;

    @BeforeEach
    void load() throws SQLException {
        EmbeddedMariaDb.run("rentals-mariadb/schema.sql");
        EmbeddedMariaDb.run("rentals-mariadb/seed.sql");
        AppRegistry.CompiledApp app = AppRegistry.compile(Rentals.parsed(Rentals.withRetention(
                Rentals.mariaDbYaml())), store -> EmbeddedMariaDb.connect(Rentals.SCHEMA), PSEUDONYM_KEY);
        rules = MysqlRetention.plan(app.map(), Rentals.STORE, app.catalogues().get(Rentals.STORE), PSEUDONYM_KEY)
                .stream().collect(Collectors.toMap(MysqlRetention.Rule::name, r -> r));
        connection = EmbeddedMariaDb.connect(Rentals.SCHEMA);
        connection.setAutoCommit(false);
        app.eraser(Rentals.STORE).erase(connection, "1"); // creates the tombstones; Dilnoza's points get a pseudonym
        connection.commit();
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldLeaveTheTombstoneAlone_whenASweepAnonymizesOldCustomers() throws SQLException {
        // Act
        long picked = rules.get("customer").batch(connection, LATER, Optional.empty(), 100).picked();
        connection.commit();

        // Assert
        assertThat(picked).isEqualTo(3);
        assertThat(rows(connection, "SELECT email FROM customer WHERE customer_id = 0")).containsExactly(
                Map.of("email", "erased@invalid"));
        assertThat(rows(connection, "SELECT email FROM customer WHERE customer_id <> 0")).hasSize(3)
                .extracting(r -> r.get("email"))
                .containsOnly("[erased]");
    }

    @Test
    void shouldNeverHashAPseudonymAgain_whenASweepPseudonymizesOldPoints() throws SQLException {
        // Act
        long first = rules.get("rewards").batch(connection, LATER, Optional.empty(), 100).picked();
        long second = rules.get("rewards").batch(connection, LATER, Optional.empty(), 100).picked();
        connection.commit();

        // Assert: the pseudonyms PostgreSQL writes too
        assertThat(List.of(first, second)).containsExactly(1L, 0L);
        assertThat(rows(connection, "SELECT customer_id FROM rewards ORDER BY points")).extracting(r -> r.get(
                "customer_id")).containsExactly(Long.toString(Rentals.keyedNumber("1", 32)),
                        Long.toString(Rentals.keyedNumber("3", 32)), Long.toString(Rentals.keyedNumber("1", 32)));
    }
}
