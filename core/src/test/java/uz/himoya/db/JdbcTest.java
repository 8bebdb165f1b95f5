package uz.himoya.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * The small JDBC layer on a real PostgreSQL (Himoya's embedded server, a scratch table of this test's own).
 * The transactions it joins or opens need Quarkus's transaction manager: the Quarkus tests of the
 * workflows cover them.
 */
class JdbcTest {
    static AgroalDataSource pool;
    static Jdbc jdbc;

    @BeforeAll
    static void start() throws SQLException {
        pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier().metricsEnabled(false)
                .connectionPoolConfiguration(cp -> cp.maxSize(2).acquisitionTimeout(Duration.ofSeconds(3))
                        .connectionFactoryConfiguration(cf -> cf.jdbcUrl(EmbeddedDatabase.jdbcUrl())
                                .principal(new NamePrincipal("postgres")).credential(new SimplePassword("postgres")))));
        jdbc = new Jdbc(pool);
        sql("CREATE TABLE IF NOT EXISTS jdbc_test_row (id int PRIMARY KEY, label text NOT NULL)");
    }

    @AfterAll
    static void stop() {
        sql("DROP TABLE IF EXISTS jdbc_test_row");
        pool.close();
    }

    @BeforeEach
    void reset() {
        sql("TRUNCATE jdbc_test_row");
        sql("INSERT INTO jdbc_test_row VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }

    record Labelled(int id, String label) {
    }

    @Test
    void shouldReadEveryRowInTheResultsOrder_whenAQueryIsBound() {
        // Act
        List<Labelled> rows = jdbc.list("SELECT id, label FROM jdbc_test_row WHERE id >= ? ORDER BY id DESC",
                ps -> ps.setInt(1, 2), rs -> new Labelled(rs.getInt(1), rs.getString(2)));

        // Assert
        assertThat(rows).containsExactly(new Labelled(3, "three"), new Labelled(2, "two"));
    }

    @Test
    void shouldReturnAnEmptyList_whenNoRowMatches() {
        // Act
        List<String> rows = jdbc.list("SELECT label FROM jdbc_test_row WHERE id > 99", rs -> rs.getString(1));

        // Assert
        assertThat(rows).isEmpty();
    }

    @Test
    void shouldCountTheChangedRowsAndReadWhatTheyReturn_whenStatementsShareTheCallersConnection() {
        // Act: several statements of one unit of work on one connection, as the workflows write them
        List<Object> results = jdbc.call(c -> List.of(
                Jdbc.update(c, "UPDATE jdbc_test_row SET label = upper(label) WHERE id < ?", ps -> ps.setInt(1, 3)),
                Jdbc.update(c, "DELETE FROM jdbc_test_row WHERE id = ?", ps -> ps.setInt(1, 99)),
                Jdbc.list(c, "DELETE FROM jdbc_test_row WHERE id = ? RETURNING label", ps -> ps.setInt(1, 1),
                        rs -> rs.getString(1))));

        // Assert
        assertThat(results).containsExactly(2, 0, List.of("ONE"));
        assertThat(jdbc.list("SELECT label FROM jdbc_test_row ORDER BY id", rs -> rs.getString(1)))
                .containsExactly("TWO", "three");
    }

    @Test
    void shouldSayTheSqlStateOnly_whenTheDatabaseRefusesAValue() {
        // Arrange: PostgreSQL quotes a value it cannot read (invalid input syntax for type integer: "...")
        String personal = "alice@example.com";

        // Act / Assert
        assertThatThrownBy(() -> jdbc.call(c -> Jdbc.update(c, "INSERT INTO jdbc_test_row VALUES (1, ?)",
                ps -> ps.setString(1, personal))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("database error 23505")
                .satisfies(e -> assertThat(SqlErrors.code(e)).isEqualTo("sql-23505"));
        assertThatThrownBy(() -> jdbc.list("SELECT label FROM jdbc_test_row WHERE id = ?::int",
                ps -> ps.setString(1, personal), rs -> rs.getString(1)))
                .hasMessage("database error 22P02")
                .hasMessageNotContaining(personal);
    }

    @Test
    void shouldCloseTheConnection_whenTheRowMapperFails() throws SQLException {
        // Arrange: more calls than the pool has connections, each failing in the mapper
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> jdbc.list("SELECT label FROM jdbc_test_row", rs -> {
                throw new IllegalArgumentException("mapper");
            })).isInstanceOf(IllegalArgumentException.class);
        }

        // Act / Assert: a connection is still to be had (acquisition would time out after 3 s otherwise)
        try (Connection c = pool.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    /** A chore on the scratch table, outside the layer under test. */
    private static void sql(String statement) {
        try (java.sql.Connection c = EmbeddedDatabase.dataSource().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
