package uz.himoya.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.store.mysql.MysqlDemo.DB;
import static uz.himoya.store.mysql.MysqlDemo.PSEUDONYM_KEY;
import static uz.himoya.store.mysql.MysqlDemo.count;
import static uz.himoya.store.mysql.MysqlDemo.exec;
import static uz.himoya.store.mysql.MysqlDemo.rows;
import static uz.himoya.store.mysql.MysqlDemo.sha256Hex;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.EmbeddedMariaDb;

/** The demo map's retention rules swept in batches on a real MariaDB. */
class MysqlRetentionTest {
    private Connection connection;
    private Catalogue catalogue;
    private PrivacyMap map;
    private final Instant asOf = Instant.now();

    @BeforeEach
    void loadDemo() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        connection = EmbeddedMariaDb.connect(DB);
        // Shapes the demo's rules lack: a composite key, and a table that belongs through a parent
        exec(connection, "CREATE TABLE order_events (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL,"
                + " at DATETIME(6) NOT NULL, FOREIGN KEY (order_id) REFERENCES orders (id))",
                "INSERT INTO order_events VALUES (1, 5001, '2020-01-01'), (2, 5002, '2020-01-02'),"
                        + " (3, 5003, '2020-01-03'), (4, 5004, '2020-01-04'), (5, 5004, UTC_TIMESTAMP(6))");
        catalogue = MysqlCatalogue.load(connection, DB);
        List<PrivacyMap.Table> tables = new ArrayList<>();
        for (PrivacyMap.Table t : MysqlDemo.parsed().tables()) {
            tables.add(t.name().equals("marketing_consents") ? withRetention(t, "granted_at", Period.ofDays(100)) : t);
        }
        tables.add(withRetention(new PrivacyMap.Table("order_events", 1, MysqlDemo.STORE, "order_id", Optional.of("orders"), "id",
                Map.of(), new PrivacyMap.Delete(), Optional.empty()), "at", Period.ofYears(1)));
        map = CatalogueValidator.validate(MysqlDemo.parsed().withTables(tables), catalogue);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void shouldDeleteEveryRowPastRetentionInBatches_whenCursorWalksOn() throws SQLException {
        // Arrange: 10 old access logs each of Anna (1003) and John (1005), 95 to 140 days old
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());
        assertThat(rule.count(connection, scope)).isEqualTo(new SweepRule.Counts(20, 0));

        // Act
        List<Long> batches = new ArrayList<>();
        Optional<SweepRule.Cursor> cursor = Optional.empty();
        while (true) {
            SweepRule.Batch b = rule.batch(connection, scope, cursor, 7);
            assertThat(b.affected()).isEqualTo(b.picked());
            if (b.picked() == 0) {
                break;
            }
            batches.add(b.picked());
            cursor = b.last();
            connection.commit();
        }

        // Assert
        assertThat(batches).containsExactly(7L, 7L, 6L);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM access_logs")).isEqualTo(180);
        assertThat(cursor).hasValueSatisfying(c -> {
            assertThat(c.value()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
            assertThat(c.key()).singleElement().satisfies(k -> assertThat(k).matches("\\d+"));
        });
        assertThat(rule.action()).isEqualTo("DELETE");
        assertThat(rule.subjectRows()).isTrue();
    }

    @Test
    void shouldKeepHeldSubjectsRows_whenTheirKeysAreExcluded() throws SQLException {
        // Arrange: Anna is on legal hold; a key that is no number names nobody
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of("1003", "1003 OR 1=1"));

        // Act
        SweepRule.Counts counts = rule.count(connection, scope);
        SweepRule.Batch batch = rule.batch(connection, scope, Optional.empty(), 100);
        connection.commit();

        // Assert
        assertThat(counts).isEqualTo(new SweepRule.Counts(10, 10));
        assertThat(batch.picked()).isEqualTo(10);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE page LIKE '/old/%'")).isEqualTo(10);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE page LIKE '/old/%' AND user_id = 1003"))
                .isEqualTo(10);
    }

    @Test
    void shouldExcludeThroughTheParent_whenTableBelongsViaOrders() throws SQLException {
        // Arrange: order events belong to users through orders; Dilnoza (1001, orders 5001 and 5002) is held
        MysqlRetention.Rule rule = rule("order_events");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of("1001"));

        // Act
        SweepRule.Counts counts = rule.count(connection, scope);
        SweepRule.Batch batch = rule.batch(connection, scope, Optional.empty(), 100);
        connection.commit();

        // Assert
        assertThat(counts).isEqualTo(new SweepRule.Counts(2, 2));
        assertThat(batch.picked()).isEqualTo(2);
        assertThat(rows(connection, "SELECT id FROM order_events ORDER BY id")).extracting(r -> r.get("id"))
                .containsExactly("1", "2", "5");
    }

    @Test
    void shouldWalkACompositeKey_whenBatchesTakeOneRowEach() throws SQLException {
        // Arrange: Dilnoza's two consents (email, sms) were granted 300 days ago
        MysqlRetention.Rule rule = rule("marketing_consents");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());

        // Act
        SweepRule.Batch first = rule.batch(connection, scope, Optional.empty(), 1);
        SweepRule.Batch second = rule.batch(connection, scope, first.last(), 1);
        SweepRule.Batch third = rule.batch(connection, scope, second.last(), 1);
        connection.commit();

        // Assert
        assertThat(first.last()).hasValueSatisfying(c -> assertThat(c.key()).containsExactly("1001", "email"));
        assertThat(second.last()).hasValueSatisfying(c -> assertThat(c.key()).containsExactly("1001", "sms"));
        assertThat(third.picked()).isZero();
        assertThat(rows(connection, "SELECT user_id, channel FROM marketing_consents")).singleElement()
                .isEqualTo(Map.of("user_id", "1005", "channel", "email"));
    }

    @Test
    void shouldAnonymizeOnceAndNeverHashTwice_whenAccountIsUnused() throws SQLException {
        // Arrange: Anna (1003) has not signed in for 800 days
        MysqlRetention.Rule rule = rule("users");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());

        // Act
        SweepRule.Batch first = rule.batch(connection, scope, Optional.empty(), 100);
        SweepRule.Batch again = rule.batch(connection, scope, Optional.empty(), 100);
        exec(connection, "UPDATE users SET full_name = 'Anna again' WHERE id = 1003"); // one column undone
        SweepRule.Batch third = rule.batch(connection, scope, Optional.empty(), 100);
        connection.commit();

        // Assert
        assertThat(first.picked()).isEqualTo(1);
        assertThat(again.picked()).as("every column is done").isZero();
        assertThat(third.picked()).isEqualTo(1);
        assertThat(rows(connection, "SELECT full_name, email, phone FROM users WHERE id = 1003")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("full_name", "[erased]").containsEntry("phone", null)
                        .containsEntry("email", sha256Hex(PSEUDONYM_KEY + "anna@demo.example")));
        assertThat(count(connection, "SELECT count(*) FROM users WHERE full_name = '[erased]'")).isEqualTo(1);
        assertThat(rule.action()).isEqualTo("ANONYMIZE");
    }

    @Test
    void shouldCompareTimestampColumnsAsInstants_whenSessionIsNotUtc() throws SQLException {
        // Arrange: Aigul (1004) last signed in two hours before the two-year cut-off, Sherzod (1002) two hours
        // after it. In a session five hours ahead of UTC, a cut-off bound as a UTC wall-clock time would be
        // read as five hours earlier, and Aigul would be missed.
        MysqlRetention.Rule rule = rule("users");
        Instant cutoff = rule.cutoff(asOf); // the when-condition's period is the same two years
        exec(connection, "SET time_zone = '+05:00'");
        try (var ps = connection.prepareStatement("UPDATE users SET created_at = UTC_TIMESTAMP(6) - INTERVAL 3 YEAR,"
                + " last_sign_in_at = FROM_UNIXTIME(?) WHERE id = ?")) {
            for (long[] user : new long[][] {{1004, -7200}, {1002, 7200}}) {
                ps.setBigDecimal(1, BigDecimal.valueOf(cutoff.getEpochSecond() + user[1]));
                ps.setLong(2, user[0]);
                ps.executeUpdate();
            }
        }

        // Act
        SweepRule.Batch batch = rule.batch(connection, new SweepRule.Scope("demo", asOf, List.of()), Optional.empty(),
                100);

        // Assert
        assertThat(batch.picked()).isEqualTo(2);
        assertThat(rows(connection, "SELECT id FROM users WHERE full_name = '[erased]' ORDER BY id"))
                .extracting(r -> r.get("id")).containsExactly("1003", "1004");
    }

    @Test
    void shouldSkipARowTheAppHoldsLocked_whenBatchRuns() throws SQLException {
        // Arrange: the app is writing one of Anna's old sessions right now
        MysqlRetention.Rule rule = rule("sessions");
        try (Connection app = EmbeddedMariaDb.connect(DB)) {
            app.setAutoCommit(false);
            long locked = holdLocked(app, "sessions", "SELECT min(id) FROM sessions WHERE user_id = 1003 AND"
                    + " last_seen_at < UTC_TIMESTAMP() - INTERVAL 30 DAY");

            // Act
            SweepRule.Batch batch = rule.batch(connection, new SweepRule.Scope("demo", asOf, List.of()),
                    Optional.empty(), 100);
            connection.commit();
            app.rollback();

            // Assert: the other old session went; the locked one waits for the next sweep
            assertThat(batch.picked()).isEqualTo(1);
            assertThat(rows(connection, "SELECT id FROM sessions WHERE last_seen_at < UTC_TIMESTAMP() - INTERVAL 30 DAY"))
                    .singleElement().isEqualTo(Map.of("id", Long.toString(locked)));
        }
    }

    @Test
    void shouldDeleteInOneStatement_whenNoRowOfTheBatchIsLocked() throws SQLException {
        // Arrange: 20 old access logs of Anna and John, none locked
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());
        Map<String, Long> before = statements(connection);

        // Act: along the retention column (20 of 200 rows expired: the walk batch() chooses too)
        SweepRule.Batch batch = rule.batch(connection, scope, Optional.empty(), 8, MysqlRetention.Walk.COLUMN);
        Map<String, Long> after = statements(connection);
        connection.commit();

        // Assert: one DELETE, no pick, no undo; the cursor is the eighth oldest row
        assertThat(delta(before, after)).isEqualTo(Map.of("Com_delete", 1L, "Com_select", 0L,
                "Com_rollback_to_savepoint", 0L));
        assertThat(batch.picked()).isEqualTo(8);
        assertThat(batch.affected()).isEqualTo(8);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY")).isEqualTo(12);
        SweepRule.Cursor last = batch.last().orElseThrow();
        // every row still past retention lies after the cursor, and the cursor's row is gone
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY AND (accessed_at, id) <= ('" + last.value() + "', " + last.key().getFirst()
                + ")")).isZero();
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE id = " + last.key().getFirst())).isZero();
    }

    @Test
    void shouldPickWithSkipLockedInstead_whenTheOneStatementMeetsARowTheAppHoldsLocked() throws SQLException {
        // Arrange: the app holds the tenth oldest of the 20 old access logs locked
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());
        try (Connection app = EmbeddedMariaDb.connect(DB)) {
            app.setAutoCommit(false);
            long locked = holdLocked(app, "access_logs", "SELECT id FROM access_logs WHERE accessed_at"
                    + " < UTC_TIMESTAMP() - INTERVAL 90 DAY ORDER BY accessed_at, id LIMIT 1 OFFSET 9");
            Map<String, Long> before = statements(connection);

            // Act: the DELETE reaches nine rows, meets the locked one, is undone; the pick skips it
            SweepRule.Batch batch = rule.batch(connection, scope, Optional.empty(), 100, MysqlRetention.Walk.COLUMN);
            Map<String, Long> after = statements(connection);
            connection.commit();
            SweepRule.Batch rest = rule.batch(connection, scope, batch.last(), 100);
            connection.commit();
            app.rollback();
            SweepRule.Batch nextSweep = rule.batch(connection, scope, Optional.empty(), 100);
            connection.commit();

            // Assert: each row counted once; the locked one is left to the next sweep, which takes it
            assertThat(delta(before, after)).isEqualTo(Map.of("Com_delete", 2L, "Com_select", 1L,
                    "Com_rollback_to_savepoint", 1L));
            assertThat(batch.picked()).isEqualTo(19);
            assertThat(batch.affected()).isEqualTo(19);
            assertThat(rest.picked()).isZero();
            assertThat(nextSweep.picked()).isEqualTo(1);
            assertThat(nextSweep.last()).hasValueSatisfying(c -> assertThat(c.key()).containsExactly(
                    Long.toString(locked)));
            assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                    + " - INTERVAL 90 DAY")).isZero();
            assertThat(count(connection, "SELECT count(*) FROM access_logs")).isEqualTo(180);
        }
    }

    @Test
    void shouldPickThenDeleteByKeys_whenTheStoreIsMysql8() throws SQLException {
        // Arrange: the same map on a MySQL 8 store, which has no DELETE ... RETURNING
        PrivacyMap mysql = CatalogueValidator.validate(MysqlDemo.parsed("mysql").withTables(map.tables()), catalogue);
        MysqlRetention.Rule rule = MysqlRetention.plan(mysql, MysqlDemo.STORE, catalogue, PSEUDONYM_KEY).stream()
                .filter(r -> r.name().equals("access_logs")).findFirst().orElseThrow();
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of("1005"));
        Map<String, Long> before = statements(connection);

        // Act
        SweepRule.Batch first = rule.batch(connection, scope, Optional.empty(), 7, MysqlRetention.Walk.COLUMN);
        Map<String, Long> after = statements(connection);
        connection.commit();
        SweepRule.Batch second = rule.batch(connection, scope, first.last(), 7);
        connection.commit();

        // Assert: a pick and a DELETE by its keys; John (1005) is held
        assertThat(delta(before, after)).isEqualTo(Map.of("Com_delete", 1L, "Com_select", 1L,
                "Com_rollback_to_savepoint", 0L));
        assertThat(List.of(first.picked(), second.picked())).containsExactly(7L, 3L);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE page LIKE '/old/%'")).isEqualTo(10);
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE page LIKE '/old/%' AND user_id = 1005"))
                .isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource({"COLUMN, 3", "KEY, 7"})
    void shouldDeleteOnlyExpiredRows_whenTheTableIsPartitionedAcrossTheCutoff(MysqlRetention.Walk walk, String lastKey)
            throws SQLException {
        // Arrange: page views partitioned by time, the last partition holding rows both sides of the one-year
        // cut-off; the key is (id, seen), as MariaDB wants the partitioning column in it; John (1005) is held
        exec(connection, "CREATE TABLE page_views (id BIGINT NOT NULL, user_id BIGINT, seen DATETIME(6) NOT NULL,"
                + " PRIMARY KEY (id, seen), INDEX page_views_seen (seen)) PARTITION BY RANGE COLUMNS (seen) ("
                + " PARTITION p2020 VALUES LESS THAN ('2021-01-01'), PARTITION pmax VALUES LESS THAN (MAXVALUE))",
                "INSERT INTO page_views VALUES (1, 1003, '2020-03-01'), (2, 1005, '2020-06-01'),"
                        + " (3, 1003, UTC_TIMESTAMP(6) - INTERVAL 400 DAY),"
                        + " (4, 1003, UTC_TIMESTAMP(6) - INTERVAL 2 DAY),"
                        + " (5, 1003, UTC_TIMESTAMP(6) - INTERVAL 364 DAY), (6, 1005, UTC_TIMESTAMP(6)),"
                        + " (7, 1003, UTC_TIMESTAMP(6) - INTERVAL 500 DAY)");
        Catalogue withViews = MysqlCatalogue.load(connection, DB);
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(withRetention(new PrivacyMap.Table("page_views", 1, MysqlDemo.STORE, "user_id", Optional.empty(),
                "id", Map.of(), new PrivacyMap.Delete(), Optional.empty()), "seen", Period.ofYears(1)));
        PrivacyMap mapped = CatalogueValidator.validate(map.withTables(tables), withViews);
        MysqlRetention.Rule rule = MysqlRetention.plan(mapped, MysqlDemo.STORE, withViews, PSEUDONYM_KEY).stream()
                .filter(r -> r.name().equals("page_views")).findFirst().orElseThrow();
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of("1005"));

        // Act
        List<Long> batches = new ArrayList<>();
        Optional<SweepRule.Cursor> cursor = Optional.empty();
        SweepRule.Batch b;
        while ((b = rule.batch(connection, scope, cursor, 2, walk)).picked() > 0) {
            batches.add(b.picked());
            cursor = b.last();
            connection.commit();
        }
        connection.commit();

        // Assert: 1, 7 and 3 went, oldest first (COLUMN) or by key (KEY); the held row and every row inside the
        // year stay
        assertThat(batches).containsExactly(2L, 1L);
        assertThat(cursor).hasValueSatisfying(c -> assertThat(c.key()).first().isEqualTo(lastKey));
        assertThat(rows(connection, "SELECT id FROM page_views ORDER BY id")).extracting(r -> r.get("id"))
                .containsExactly("2", "4", "5", "6");
    }

    @Test
    void shouldChooseTheWalkFromTheExpiredShare_whenARunStarts() throws SQLException {
        // Arrange: 20 of the 200 access logs are past retention
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());
        MysqlRetention.Walk few = rule.walk(connection, scope);
        // 120 of 200
        exec(connection, "UPDATE access_logs SET accessed_at = UTC_TIMESTAMP(6) - INTERVAL 200 DAY WHERE id % 5 < 3",
                "ANALYZE TABLE access_logs");
        MysqlRetention.Walk most = rule.walk(connection, scope);
        // no index over the retention column: ranging over it would read the whole table each batch
        exec(connection, "UPDATE access_logs SET accessed_at = UTC_TIMESTAMP(6) WHERE id % 5 < 3");
        dropIndexesOn(connection, "access_logs", "accessed_at");
        MysqlRetention.Walk unindexed = rule.walk(connection, scope);

        // Assert
        assertThat(List.of(few, most, unindexed)).containsExactly(MysqlRetention.Walk.COLUMN,
                MysqlRetention.Walk.KEY, MysqlRetention.Walk.KEY);
    }

    @Test
    void shouldWalkThePrimaryKeyToTheEnd_whenMostOfTheTableIsExpired() throws SQLException {
        // Arrange: 120 of the 200 access logs past retention, John's (1005) held; the walk is chosen by batch()
        exec(connection, "UPDATE access_logs SET accessed_at = UTC_TIMESTAMP(6) - INTERVAL 200 DAY WHERE id % 5 < 3",
                "ANALYZE TABLE access_logs");
        long expired = count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY");
        long held = count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY AND user_id = 1005");
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of("1005"));

        // Act: batches of 25, each resumed from the last one's cursor alone, as a resumed run is
        List<Long> batches = new ArrayList<>();
        List<SweepRule.Cursor> cursors = new ArrayList<>();
        Optional<SweepRule.Cursor> cursor = Optional.empty();
        SweepRule.Batch b;
        while ((b = rule.batch(connection, scope, cursor, 25)).picked() > 0) {
            batches.add(b.picked());
            cursor = b.last();
            cursors.add(cursor.orElseThrow());
            connection.commit();
        }
        connection.commit();

        // Assert: every expired row not held went, by key; the cursor carries the key alone
        assertThat(batches.stream().mapToLong(Long::longValue).sum()).isEqualTo(expired - held);
        assertThat(cursors).allSatisfy(c -> assertThat(c.value()).isNull());
        assertThat(cursors).extracting(c -> Long.parseLong(c.key().getFirst())).isSorted();
        assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY")).isEqualTo(held);
        assertThat(count(connection, "SELECT count(*) FROM access_logs")).isEqualTo(200 - expired + held);
    }

    @Test
    void shouldGiveWayToSkipLocked_whenAKeyWalkMeetsALiveRowTheAppHolds() throws SQLException {
        // Arrange: most rows expired; the app holds a live row in the middle of the key range
        exec(connection, "UPDATE access_logs SET accessed_at = UTC_TIMESTAMP(6) - INTERVAL 200 DAY WHERE id % 5 < 3",
                "ANALYZE TABLE access_logs");
        long expired = count(connection, "SELECT count(*) FROM access_logs WHERE accessed_at < UTC_TIMESTAMP()"
                + " - INTERVAL 90 DAY");
        MysqlRetention.Rule rule = rule("access_logs");
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());
        try (Connection app = EmbeddedMariaDb.connect(DB)) {
            app.setAutoCommit(false);
            long live = holdLocked(app, "access_logs", "SELECT id FROM access_logs WHERE accessed_at"
                    + " >= UTC_TIMESTAMP() - INTERVAL 90 DAY ORDER BY id LIMIT 1 OFFSET 40");
            Map<String, Long> before = statements(connection);

            // Act: batches of 20 by key (a batch by keys that covers most of so small a table is read by a full
            // scan, which would wait for the held row: a production batch is a small share of its table)
            long removed = 0;
            Optional<SweepRule.Cursor> cursor = Optional.empty();
            SweepRule.Batch b;
            while ((b = rule.batch(connection, scope, cursor, 20, MysqlRetention.Walk.KEY)).picked() > 0) {
                assertThat(b.affected()).isEqualTo(b.picked());
                assertThat(b.last()).hasValueSatisfying(c -> assertThat(c.value()).isNull());
                removed += b.picked();
                cursor = b.last();
                connection.commit();
            }
            Map<String, Long> after = statements(connection);
            connection.commit();
            app.rollback();

            // Assert: the batch that reached the held row was undone and picked with SKIP LOCKED, once
            assertThat(delta(before, after)).containsEntry("Com_rollback_to_savepoint", 1L)
                    .containsEntry("Com_select", 1L);
            assertThat(removed).isEqualTo(expired);
            assertThat(count(connection, "SELECT count(*) FROM access_logs WHERE id = " + live)).isEqualTo(1);
            assertThat(count(connection, "SELECT count(*) FROM access_logs")).isEqualTo(200 - expired);
        }
    }

    @Test
    void shouldWalkACompositeKeyInKeyOrder_whenTheStoreIsMysql8() throws SQLException {
        // Arrange: marketing consents (key user_id, channel) past 100 days, on a MySQL 8 store (pick, then DELETE)
        PrivacyMap mysql = CatalogueValidator.validate(MysqlDemo.parsed("mysql").withTables(map.tables()), catalogue);
        MysqlRetention.Rule rule = MysqlRetention.plan(mysql, MysqlDemo.STORE, catalogue, PSEUDONYM_KEY).stream()
                .filter(r -> r.name().equals("marketing_consents")).findFirst().orElseThrow();
        SweepRule.Scope scope = new SweepRule.Scope("demo", asOf, List.of());

        // Act
        SweepRule.Batch first = rule.batch(connection, scope, Optional.empty(), 1, MysqlRetention.Walk.KEY);
        SweepRule.Batch second = rule.batch(connection, scope, first.last(), 1);
        SweepRule.Batch third = rule.batch(connection, scope, second.last(), 1);
        connection.commit();

        // Assert
        assertThat(first.last()).hasValueSatisfying(c -> assertThat(c).isEqualTo(new SweepRule.Cursor(null,
                List.of("1001", "email"))));
        assertThat(second.last()).hasValueSatisfying(c -> assertThat(c).isEqualTo(new SweepRule.Cursor(null,
                List.of("1001", "sms"))));
        assertThat(third.picked()).isZero();
        assertThat(rows(connection, "SELECT user_id, channel FROM marketing_consents")).singleElement()
                .isEqualTo(Map.of("user_id", "1005", "channel", "email"));
    }

    @Test
    void shouldRefuseTheRule_whenTableHasNoPrimaryKey() throws SQLException {
        // Arrange
        exec(connection, "CREATE TABLE keyless (user_id BIGINT, at DATETIME(6) NOT NULL)");
        Catalogue withKeyless = MysqlCatalogue.load(connection, DB);
        PrivacyMap.Table keyless = withRetention(new PrivacyMap.Table("keyless", 1, MysqlDemo.STORE, "user_id", Optional.empty(), "id",
                Map.of(), new PrivacyMap.Delete(), Optional.empty()), "at", Period.ofDays(1));

        // Act + Assert
        assertThatThrownBy(() -> MysqlRetention.compile(map, withKeyless, keyless, keyless.retention().orElseThrow(),
                PSEUDONYM_KEY)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary key");
    }

    private static void dropIndexesOn(Connection c, String table, String column) throws SQLException {
        for (Map<String, String> r : rows(c, "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '" + table + "' AND COLUMN_NAME = '" + column
                + "' AND INDEX_NAME <> 'PRIMARY'")) {
            exec(c, "DROP INDEX `" + r.get("name") + "` ON " + table);
        }
        exec(c, "ANALYZE TABLE " + table);
    }

    /** The session's statement counters the tests read the batch's shape from. */
    private static Map<String, Long> statements(Connection c) throws SQLException {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Map<String, String> r : rows(c, "SHOW SESSION STATUS WHERE Variable_name IN ('Com_delete', 'Com_select',"
                + " 'Com_rollback_to_savepoint')")) {
            out.put(r.get("Variable_name"), Long.parseLong(r.get("Value")));
        }
        return out;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
        return out;
    }

    private MysqlRetention.Rule rule(String table) {
        return MysqlRetention.plan(map, MysqlDemo.STORE, catalogue, PSEUDONYM_KEY).stream().filter(r -> r.name().equals(table))
                .findFirst().orElseThrow();
    }

    private static PrivacyMap.Table withRetention(PrivacyMap.Table t, String column, Period keep) {
        return new PrivacyMap.Table(t.name(), t.line(), t.store(), t.column(), t.parent(), t.parentKey(), t.categories(),
                t.erasure(), Optional.of(new PrivacyMap.Retention(1, column, keep, new PrivacyMap.Delete(),
                        Optional.empty(), "kept " + keep)));
    }

    /**
     * The app, in its open transaction, locks the one row of table whose id pick selects (FOR UPDATE by primary
     * key: that row only, no gap); returns that id.
     */
    private static long holdLocked(Connection app, String table, String pick) throws SQLException {
        long id = count(app, pick);
        exec(app, "SELECT id FROM " + table + " WHERE id = " + id + " FOR UPDATE");
        return id;
    }
}
