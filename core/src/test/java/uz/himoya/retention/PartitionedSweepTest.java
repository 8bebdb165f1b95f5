package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.retention.LedgerSweeps.count;
import static uz.himoya.retention.LedgerSweeps.rule;
import static uz.himoya.retention.LedgerSweeps.strings;
import static uz.himoya.retention.LedgerSweeps.sweep;
import static uz.himoya.retention.LedgerSweeps.unlimited;
import static uz.himoya.testing.Ledger.exec;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.db.RowGuard;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Ledger;

/**
 * Issue 9: a sweep of a partitioned table changes exactly the rows its dry run counts. Through the real
 * engine on a real PostgreSQL, on the shapes that broke: partitions whose rows sit at equal ctids, tables
 * without a primary key, inheritance children that repeat their parent's ids, anonymizing rules (whose
 * UPDATEs move rows to new ctids), partitions attached and detached between runs, and a property test over
 * generated tables.
 */
class PartitionedSweepTest {
    /** Every cut-off is one year before this. */
    static final Instant AS_OF = Instant.parse("2026-12-01T00:00:00Z");
    static final String PAID = "SELECT string_agg(id::text, ',' ORDER BY id) FROM ledger_app.payments";

    /**
     * The ledger app beside Himoya's tables, so a test reads both with one query (LedgerSweeps says why);
     * StoreSweepTest runs the engine against stores on servers of their own.
     */
    @BeforeAll
    static void himoyaTables() {
        DemoStore.shareHimoyaServer(true);
        EmbeddedDatabase.migrateHimoya();
    }

    @AfterAll
    static void ownServerAgain() {
        DemoStore.shareHimoyaServer(false);
    }

    @BeforeEach
    void emptyRuns() {
        exec("TRUNCATE retention_run, retention_run_rule, retention_rule_claim, legal_hold, deletion_request CASCADE");
    }

    @Test
    void shouldDeleteOnlyTheExpiredRows_whenAnotherPartitionHoldsRowsAtTheSameCtids() {
        // Arrange: the issue's reproduction. Three expired payments in 2025-01, three kept in 2026-11, each
        // partition's rows at (0,1), (0,2), (0,3).
        Ledger.create(true, "2025_01", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A');"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-01-10' FROM generate_series(1, 3) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2026-11-10' FROM generate_series(4, 6) g;");
        assertThat(strings("SELECT string_agg(DISTINCT ctid::text, ',') FROM ledger_app.payments"))
                .containsExactly("(0,1),(0,2),(0,3)");

        // Act
        RunView dry = sweep("delete", AS_OF, true, 100, unlimited(), "payments");
        RunView run = sweep("delete", AS_OF, false, 100, unlimited(), "payments");

        // Assert: 3 counted, 3 deleted, the 3 unexpired still there
        assertThat(rule(dry, "payments").wouldAffect()).isEqualTo(3);
        assertThat(rule(run, "payments").rowsAffected()).isEqualTo(3);
        assertThat(run.status()).isEqualTo("COMPLETED");
        assertThat(strings(PAID)).containsExactly("4,5,6");
    }

    @Test
    void shouldDeleteOnlyTheExpiredRows_whenTheTableHasNoPrimaryKeyAndRowsRepeat() {
        // Arrange: no primary key on payments, and identical rows in both partitions and within one
        Ledger.create(false, "2025_01", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A');"
                + " INSERT INTO ledger_app.payments SELECT 7, 1, 'A', 10, '2025-01-10' FROM generate_series(1, 3);"
                + " INSERT INTO ledger_app.payments SELECT 7, 1, 'A', 10, '2026-11-10' FROM generate_series(1, 3);"
                + " INSERT INTO ledger_app.audit_trail SELECT 1, 'login', '2025-02-01' FROM generate_series(1, 4);"
                + " INSERT INTO ledger_app.audit_trail SELECT 1, 'login', '2026-11-01' FROM generate_series(1, 2);");

        // Act: batches of 2, so the cursor (column, tableoid, ctid) walks past identical rows
        RunView run = sweep("delete", AS_OF, false, 2, unlimited(), "payments", "audit_trail");

        // Assert
        assertThat(rule(run, "payments").rowsAffected()).isEqualTo(3);
        assertThat(rule(run, "audit_trail").rowsAffected()).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE paid_at > '2026-01-01'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ledger_app.payments")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ledger_app.audit_trail")).isEqualTo(2);
    }

    @Test
    void shouldDeleteOnlyTheParentsExpiredRows_whenAnInheritanceChildRepeatsItsIds() {
        // Arrange: events 1-3 expired in the parent; the child holds recent events with the same ids 1-3
        Ledger.create(true, "2026_11");
        exec("INSERT INTO ledger_app.events SELECT g, 1, 'p', '2025-01-01' FROM generate_series(1, 3) g;"
                + " INSERT INTO ledger_app.events_archive SELECT g, 1, 'c', '2026-11-20' FROM generate_series(1, 3) g;");

        // Act
        RunView run = sweep("delete", AS_OF, false, 2, unlimited(), "events");

        // Assert: a primary-key match on the parent would have taken the child's rows with equal ids too
        assertThat(rule(run, "events").rowsAffected()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM ONLY ledger_app.events")).isZero();
        assertThat(count("SELECT count(*) FROM ledger_app.events_archive")).isEqualTo(3);
    }

    @Test
    void shouldAnonymizeEachExpiredRowOnce_whenUpdatesMoveRowsToNewCtids() {
        // Arrange: 5 expired and 5 kept per partition, over three partitions, no primary key
        Ledger.create(false, "2025_01", "2025_06", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A');"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'Holder', 10, '2025-01-10' FROM generate_series(1, 5) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'Holder', 10, '2025-06-10' FROM generate_series(1, 5) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'Holder', 10, '2026-11-10' FROM generate_series(1, 5) g;");
        String anonymize = "{ anonymize: { card_holder: redact }, reason: \"kept for the tax audit\" }";

        // Act: batches of 3, so updated rows (at new ctids, after the cursor) meet later batches
        RunView run = sweep(anonymize, AS_OF, false, 3, unlimited(), "payments");
        RunView again = sweep(anonymize, AS_OF, false, 3, unlimited(), "payments");

        // Assert
        assertThat(rule(run, "payments").rowsAffected()).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE card_holder = '[erased]'")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE card_holder = 'Holder'"
                + " AND paid_at > '2026-01-01'")).isEqualTo(5);
        assertThat(rule(again, "payments").rowsAffected()).isZero();
    }

    @Test
    void shouldRollBackAndFailTheRun_whenATriggerSkipsPickedRows() {
        // Arrange: the app's trigger silently keeps rows paid by customer 2 (BEFORE DELETE returning NULL)
        Ledger.create(true, "2025_01", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A'), (2, 'b@ledger.example', 'B');"
                + " INSERT INTO ledger_app.payments SELECT g, 1 + g % 2, 'A', 10, '2025-01-10' FROM generate_series(1, 6) g;"
                + " CREATE FUNCTION ledger_app.keep() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN IF OLD.customer_id = 2 THEN RETURN NULL; END IF; RETURN OLD; END $$;"
                + " CREATE TRIGGER keep BEFORE DELETE ON ledger_app.payments_2025_01 FOR EACH ROW"
                + " EXECUTE FUNCTION ledger_app.keep();");

        // Act
        RunView run = sweep("delete", AS_OF, false, 100, unlimited(), "payments");

        // Assert: nothing of the batch stays, the rule and the run say why
        assertThat(count("SELECT count(*) FROM ledger_app.payments")).isEqualTo(6);
        assertThat(rule(run, "payments")).extracting(RunView.Rule::status, RunView.Rule::error,
                RunView.Rule::rowsAffected).containsExactly("FAILED", RowGuard.CODE, 0L);
        assertThat(run.status()).isEqualTo("FAILED");
    }

    @Test
    void shouldSweepTheNewPartitionAndLeaveTheDetachedOne_whenPartitionsChangeBetweenRuns() {
        // Arrange: a first run over two partitions
        Ledger.create(true, "2025_01", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A');"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-01-10' FROM generate_series(1, 3) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2026-11-10' FROM generate_series(4, 6) g;");
        assertThat(rule(sweep("delete", AS_OF, false, 2, unlimited(), "payments"), "payments").rowsAffected())
                .isEqualTo(3);

        // Act: a month is attached with expired rows, 2026_11 detached (an archive the app moves away)
        exec(Ledger.partition("2025_03") + ";"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-03-10' FROM generate_series(7, 10) g;"
                + " ALTER TABLE ledger_app.payments DETACH PARTITION ledger_app.payments_2026_11;");
        // The detached table still references customers, so erasing a customer would now fail on it: the map
        // no longer fits the schema, and the validator says so, naming it.
        assertThatThrownBy(() -> sweep("delete", AS_OF, false, 2, unlimited(), "payments"))
                .hasMessageContaining("table payments_2026_11 references customers");
        exec("ALTER TABLE ledger_app.payments_2026_11 DROP CONSTRAINT payments_2026_11_customer_id_fkey");
        RunView second = sweep("delete", AS_OF.plus(java.time.Duration.ofDays(400)), false, 2, unlimited(),
                "payments");

        // Assert: the attached month's rows go; the detached table is no longer the app's payments: untouched
        assertThat(rule(second, "payments").rowsAffected()).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM ledger_app.payments")).isZero();
        assertThat(count("SELECT count(*) FROM ledger_app.payments_2026_11")).isEqualTo(3);
    }

    @Test
    void shouldEndExactlyAsOneRunWould_whenHandedOnBatchByBatchWhileAPartitionIsAttached() {
        // Arrange: expired rows at equal ctids in three partitions; a run that may do one batch per invocation
        Ledger.create(true, "2025_01", "2025_02", "2026_11");
        exec("INSERT INTO ledger_app.customers VALUES (1, 'a@ledger.example', 'A');"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-01-10' FROM generate_series(1, 4) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-02-10' FROM generate_series(5, 8) g;"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2026-11-10' FROM generate_series(9, 12) g;");
        RunView run = sweep("delete", AS_OF, false, 3, LedgerSweeps.batches(1), "payments");
        assertThat(rule(run, "payments").status()).isEqualTo("RUNNING");
        assertThat(count("SELECT count(*) FROM retention_run_rule WHERE cursor_key IS NOT NULL")).isEqualTo(1);

        // Act: a partition with expired rows arrives mid-run; the run goes on one batch per invocation
        exec(Ledger.partition("2025_03") + ";"
                + " INSERT INTO ledger_app.payments SELECT g, 1, 'A', 10, '2025-03-10' FROM generate_series(13, 14) g;");
        for (int i = 0; i < 10 && run.running(); i++) {
            run = LedgerSweeps.resume(run.id(), "delete", 3, LedgerSweeps.batches(1), AS_OF, "payments");
        }

        // Assert: every expired row once, the kept month whole, the sealed cursor gone with the finished rule
        assertThat(run.status()).isEqualTo("COMPLETED");
        assertThat(rule(run, "payments").rowsAffected()).isEqualTo(10);
        assertThat(strings(PAID)).containsExactly("9,10,11,12");
        assertThat(count("SELECT count(*) FROM retention_run_rule WHERE cursor_key IS NOT NULL")).isZero();
    }

    /**
     * The property: over generated tables (partitions, primary key or none, rows stacked at equal ctids,
     * retention dates on both sides of the cut-off, batch sizes), the sweep changes exactly the rows the dry
     * run counts, and row by row exactly the rows past the cut-off.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void shouldChangeExactlyTheRowsTheDryRunCounts_forGeneratedTables(long seed) {
        // Arrange
        Random random = new Random(seed);
        boolean primaryKey = random.nextBoolean();
        boolean anonymize = random.nextInt(3) == 0;
        List<String> months = new TreeSet<>(random.ints(1 + random.nextInt(6), 0, 30)
                .mapToObj(m -> String.format("%d_%02d", 2024 + m / 12, 1 + m % 12)).toList()).stream().toList();
        Ledger.create(primaryKey, months.toArray(String[]::new));
        StringBuilder rows = new StringBuilder("INSERT INTO ledger_app.customers VALUES (1, 'a@l.example', 'A');");
        Set<String> expected = new TreeSet<>();
        int id = 0;
        for (String month : months) {
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                String day = String.format("%s-%02d %02d:00:00+00", month.replace('_', '-'), 1 + random.nextInt(28),
                        random.nextInt(24));
                int rowId = primaryKey ? ++id : 1 + random.nextInt(3); // without a key, ids repeat freely
                rows.append(" INSERT INTO ledger_app.payments VALUES (").append(rowId).append(", 1, 'Holder', ")
                        .append(random.nextInt(100)).append(", '").append(day).append("');");
                if (Instant.parse(day.replace(' ', 'T').replace("+00", "Z")).isBefore(AS_OF.minus(
                        java.time.Duration.ofDays(365)))) {
                    expected.add(month + "#" + i);
                }
            }
        }
        exec(rows.toString());
        String action = anonymize ? "{ anonymize: { card_holder: redact }, reason: \"tax\" }" : "delete";
        long before = count("SELECT count(*) FROM ledger_app.payments");
        String picked = "SELECT string_agg(tableoid::regclass::text || '@' || id || '@' || paid_at, ','"
                + " ORDER BY tableoid::regclass::text, paid_at, id) FROM ledger_app.payments WHERE paid_at < '"
                + AS_OF.minus(java.time.Duration.ofDays(365)) + "'";
        List<String> pickedBefore = strings(picked);
        int batch = 1 + random.nextInt(7);

        // Act
        RunView dry = sweep(action, AS_OF, true, batch, unlimited(), "payments");
        RunView run = sweep(action, AS_OF, false, batch, unlimited(), "payments");

        // Assert: counts agree with the generated data, and the changed rows are the picked rows
        String where = "seed " + seed + " pk=" + primaryKey + " anonymize=" + anonymize + " months=" + months
                + " batch=" + batch;
        assertThat(rule(dry, "payments").wouldAffect()).as(where).isEqualTo(expected.size());
        assertThat(rule(run, "payments").rowsAffected()).as(where).isEqualTo(expected.size());
        assertThat(run.status()).as(where).isEqualTo("COMPLETED");
        if (anonymize) {
            assertThat(strings(picked.replace("WHERE paid_at", "WHERE card_holder = '[erased]' AND paid_at")))
                    .as(where).isEqualTo(pickedBefore);
            assertThat(count("SELECT count(*) FROM ledger_app.payments WHERE card_holder = '[erased]'")).as(where)
                    .isEqualTo(expected.size());
        } else {
            assertThat(count("SELECT count(*) FROM ledger_app.payments")).as(where)
                    .isEqualTo(before - expected.size());
            assertThat(strings(picked).get(0)).as(where).isNull();
        }
    }
}
