package uz.himoya.privacymap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.testing.Ledger.exec;

import java.sql.Connection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Ledger;

/** What the validator says about partitions, inheritance children and cascading deletes (issue 9). */
class PartitionedMapValidationTest {

    @BeforeEach
    void ledger() {
        Ledger.create(true, "2025_01", "2026_11");
    }

    @Test
    void shouldNameTheParent_whenAMapNamesAPartitionOrAChild() throws Exception {
        // Arrange
        String yaml = Ledger.map("delete").replace("table: payments", "table: payments_2025_01")
                .replace("table: events", "table: events_archive");

        try (Connection c = DemoStore.dataSource().getConnection()) {
            // Act / Assert
            assertThatThrownBy(() -> CatalogueValidator.validate(PrivacyMapParser.parse("ledger.yaml", yaml),
                    Ledger.catalogue(c)))
                    .hasMessageContaining("table 'payments_2025_01' is a partition or inheritance child of"
                            + " 'payments': map 'payments' instead")
                    .hasMessageContaining("table 'events_archive' is a partition or inheritance child of 'events'");
        }
    }

    @Test
    void shouldRefuseARetentionDelete_whenAnotherTableFollowsItsDeletesByCascade() throws Exception {
        // Arrange: receipts are deleted with their payment (ON DELETE CASCADE), whatever their own age
        exec("CREATE TABLE ledger_app.receipts (id bigint PRIMARY KEY, payment_id bigint NOT NULL,"
                + " paid_at timestamptz NOT NULL, FOREIGN KEY (payment_id, paid_at) REFERENCES ledger_app.payments"
                + " ON DELETE CASCADE)");

        try (Connection c = DemoStore.dataSource().getConnection()) {
            // Act / Assert
            assertThatThrownBy(() -> Ledger.validated(c, "delete"))
                    .hasMessageContaining("table payments retention: deleting its rows would also change rows of"
                            + " receipts [payment_id, paid_at] through ON DELETE CASCADE, which the sweep never"
                            + " picked");
        }
    }
}
