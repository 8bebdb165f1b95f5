package uz.himoya.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.testing.Ledger.exec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.db.RowGuard;
import uz.himoya.db.RowIdentity;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Ledger;
import uz.himoya.erasure.TableOutcome;

/**
 * Erasure on partitioned tables, tables without a primary key and inheritance trees (issue 9): the receipt
 * counts per mapped table, and the guard refuses an erasure whose changes differ from the rows it picked.
 */
class PostgresPartitionedErasureTest {
    private Connection connection;

    @BeforeEach
    void ledger() throws SQLException {
        Ledger.create(true, "2025_01", "2025_06", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A'), (2, 'b@ledger.example', 'B');"
                + " INSERT INTO ledger_app.payments SELECT g, 1 + g % 2, 'Holder', 10, m FROM generate_series(1, 6) g,"
                + "   unnest(ARRAY[timestamptz '2025-01-10', '2025-06-10', '2026-11-10']) m;"
                + " INSERT INTO ledger_app.audit_trail SELECT 1 + g % 2, 'login', now() FROM generate_series(1, 4) g;"
                + " INSERT INTO ledger_app.events SELECT g, 1 + g % 2, 'p', now() FROM generate_series(1, 4) g;"
                + " INSERT INTO ledger_app.events_archive SELECT g, 2 - g % 2, 'c', now() FROM generate_series(1, 4) g;");
        connection = DemoStore.dataSource().getConnection();
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldCountPerMappedTable_whenTheSubjectsRowsSpreadOverPartitionsAndChildren() throws Exception {
        // Arrange
        PostgresErasurePlan plan = plan();

        // Act: customer 2 has payments 1, 3, 5 in each of three partitions
        Map<String, Long> receipt = PostgresErasureExecutor.execute(connection, plan, "2").stream()
                .collect(Collectors.toMap(TableOutcome::table, TableOutcome::rows));

        // Assert: one line per mapped table, never one per partition
        assertThat(receipt).containsOnlyKeys("customers", "payments", "audit_trail", "events")
                .containsEntry("payments", 9L).containsEntry("audit_trail", 2L).containsEntry("events", 4L)
                .containsEntry("customers", 1L);
        assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE customer_id IS NULL")).isEqualTo(9);
        assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE customer_id = 1")).isEqualTo(9);
        assertThat(count("SELECT count(*) FROM ledger_app.events WHERE customer_id = 1")).isEqualTo(4);
    }

    @Test
    void shouldPickByWhatIdentifiesTheRow_whenTablesArePartitionedInheritedOrKeyless() throws Exception {
        // Act
        Catalogue catalogue = Ledger.catalogue(connection);

        // Assert: partitions and children are reached through their top-level table
        assertThat(catalogue.tables()).containsOnlyKeys("customers", "payments", "audit_trail", "events");
        assertThat(catalogue.members()).containsEntry("payments_2025_01", "payments")
                .containsEntry("events_archive", "events");
        assertThat(catalogue.identity("payments")).isEqualTo(RowIdentity.key(List.of("\"id\"", "\"paid_at\""),
                List.of("bigint", "timestamp with time zone")));
        assertThat(catalogue.identity("audit_trail")).isEqualTo(RowIdentity.physical());
        assertThat(catalogue.identity("events")).isEqualTo(RowIdentity.physical());
        // the foreign keys declared on each partition count once, as the parent's
        assertThat(catalogue.foreignKeys()).containsExactly(new Catalogue.ForeignKey("payments", List.of(
                "customer_id"), "customers", 'a', List.of("id")));
    }

    @Test
    void shouldRefuseTheWholeErasure_whenATriggerKeepsRowsItPicked() throws Exception {
        // Arrange: the app's trigger silently keeps one of the subject's audit rows
        exec("CREATE FUNCTION ledger_app.keep() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN IF OLD.action = 'login' THEN RETURN NULL; END IF; RETURN OLD; END $$;"
                + " CREATE TRIGGER keep BEFORE DELETE ON ledger_app.audit_trail FOR EACH ROW"
                + " EXECUTE FUNCTION ledger_app.keep();");
        PostgresErasurePlan plan = plan();

        // Act / Assert: the receipt would have claimed 0 of 2 rows as "deleted" while they stay
        assertThatThrownBy(() -> PostgresErasureExecutor.execute(connection, plan, "2"))
                .isInstanceOf(RowGuard.Violation.class).hasMessageContaining("audit_trail picked 2 rows but changed 0")
                .hasMessageNotContaining("login");
    }

    private PostgresErasurePlan plan() throws SQLException {
        PrivacyMap map = Ledger.validated(connection, "delete");
        return PostgresErasurePlanner.plan(map, Ledger.catalogue(connection), "00");
    }

    private long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
