package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.Rentals.PSEUDONYM_KEY;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;
import uz.himoya.store.postgres.PostgresRetention;
import uz.himoya.store.postgres.PostgresSweepRule;

/**
 * Retention sweeps on the Sakila-shaped rental shop (rentals/schema.sql): a sweep never picks a tombstone (it is
 * nobody's row, and kept rows point at it), and a keyed-number pseudonym, being negative, counts as done, so a
 * sweep never hashes it twice.
 */
class TombstoneRetentionTest {
    private static final SweepRule.Scope LATER = new SweepRule.Scope("rentals", Instant.now().plus(3650,
            ChronoUnit.DAYS), List.of());
    private Connection connection;
    private Map<String, PostgresSweepRule> rules;

    @BeforeEach
    void load() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        EmbeddedDatabase.run("rentals/seed.sql");
        String yaml = Rentals.withRetention(Rentals.yaml());
        AppRegistry.CompiledApp app = AppRegistry.compile(Rentals.parsed(yaml), store -> EmbeddedDatabase.dataSource()
                .getConnection(), PSEUDONYM_KEY);
        rules = PostgresRetention.plan(app.map(), app.catalogues(), PSEUDONYM_KEY).stream()
                .collect(Collectors.toMap(PostgresSweepRule::name, r -> r));
        connection = EmbeddedDatabase.dataSource().getConnection();
        // Dilnoza (1) was erased before: her payments point at the tombstone, her points hold a pseudonym
        connection.setAutoCommit(false);
        app.eraser(Rentals.STORE).erase(connection, "1");
        connection.commit();
        connection.setAutoCommit(true);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void shouldLeaveTheTombstoneAlone_whenASweepAnonymizesOldCustomers() throws SQLException {
        // Act
        long picked = rules.get("customer").batch(connection, LATER, Optional.empty(), 100).picked();

        // Assert: the three customers left, not the tombstone, though it is the oldest of all
        assertThat(picked).isEqualTo(3);
        assertThat(strings("SELECT email FROM rentals.customer WHERE customer_id = 0")).containsExactly("erased@invalid");
        assertThat(strings("SELECT email FROM rentals.customer WHERE customer_id <> 0")).hasSize(3)
                .containsOnly("[erased]");
    }

    @Test
    void shouldNeverHashAPseudonymAgain_whenASweepPseudonymizesOldPoints() throws SQLException {
        // Act
        long first = rules.get("rewards").batch(connection, LATER, Optional.empty(), 100).picked();
        long second = rules.get("rewards").batch(connection, LATER, Optional.empty(), 100).picked();

        // Assert: only Aziza's row was picked; Dilnoza's pseudonym from her erasure is the one she keeps
        assertThat(List.of(first, second)).containsExactly(1L, 0L);
        assertThat(strings("SELECT customer_id::text FROM rentals.rewards ORDER BY points")).containsExactly(
                Long.toString(Rentals.keyedNumber("1", 32)), Long.toString(Rentals.keyedNumber("3", 32)),
                Long.toString(Rentals.keyedNumber("1", 32)));
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
