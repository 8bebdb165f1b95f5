package uz.himoya.store.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of {@link AffectedSubjects} must do, run against a real server of its kind with
 * the demo app's seed (users 1001 to 1006, demo/seed.sql and demo-mariadb/seed.sql, whose rows are equal):
 * the same selections give the same subjects, in key order, page by page, on one snapshot.
 */
public abstract class AffectedSubjectsContract {
    protected static final Instant NOW = Instant.now();

    protected Connection store;

    /** Reloads the demo app in the store, with the contract's extra table order_events, and connects. */
    protected abstract Connection loadDemo() throws SQLException;

    /** The demo map (with order_events and its selector) validated against the store's catalogue. */
    protected abstract AffectedSubjects demo() throws SQLException;

    /** A map whose subject table is people(id text key, email nullable, no locale column). */
    protected abstract AffectedSubjects people() throws SQLException;

    /** Runs statements on the store, each committed. */
    protected abstract void exec(String... sql) throws SQLException;

    /** An INSERT of user id with e-mail in the dialect, created now. */
    protected abstract String insertUser(long id, String email);

    @BeforeEach
    void connect() throws SQLException {
        store = loadDemo();
    }

    @AfterEach
    void disconnect() throws SQLException {
        store.close();
    }

    static Instant daysAgo(long d) {
        return NOW.minus(Duration.ofDays(d));
    }

    private List<List<String>> pageKeys(AffectedSubjects a, AffectedSubjects.Selection s, int size)
            throws SQLException {
        List<List<String>> pages = new ArrayList<>();
        try (AffectedSubjects.Pages p = a.open(store, s, size)) {
            for (List<AffectedSubjects.Subject> page = p.next(); !page.isEmpty(); page = p.next()) {
                pages.add(page.stream().map(AffectedSubjects.Subject::key).toList());
            }
        }
        return pages;
    }

    private List<String> keys(AffectedSubjects a, AffectedSubjects.Selection s) throws SQLException {
        return pageKeys(a, s, 1000).stream().flatMap(List::stream).toList();
    }

    private Map<String, Long> counts(AffectedSubjects a, AffectedSubjects.Selection s) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        for (AffectedSubjects.LocaleCount n : a.countByLocale(store, s)) {
            out.put(n.locale(), n.count());
        }
        return out;
    }

    @Test
    void shouldStreamEverySubjectInKeyOrderAPageAtATime_whenEveryoneIsSelected() throws SQLException {
        // Act
        List<List<String>> pages = pageKeys(demo(), new AffectedSubjects.Everyone(), 4);

        // Assert
        assertThat(pages).containsExactly(List.of("1001", "1002", "1003", "1004"), List.of("1005", "1006"));
        assertThat(pageKeys(demo(), new AffectedSubjects.Everyone(), 3)).containsExactly(
                List.of("1001", "1002", "1003"), List.of("1004", "1005", "1006"));
        assertThat(pageKeys(demo(), new AffectedSubjects.Everyone(), 1)).hasSize(6).allMatch(p -> p.size() == 1);
    }

    @Test
    void shouldGiveAddressAndStoredLocale_whenASubjectIsRead() throws SQLException {
        List<AffectedSubjects.Subject> all = new ArrayList<>();
        try (AffectedSubjects.Pages p = demo().open(store, new AffectedSubjects.Everyone(), 10)) {
            all.addAll(p.next());
            assertThat(p.next()).isEmpty();
            assertThat(p.next()).isEmpty();
        }
        assertThat(all).extracting(AffectedSubjects.Subject::email).containsExactly("dilnoza@demo.example",
                "sherzod@demo.example", "anna@demo.example", "aigul@demo.example", "john@demo.example",
                "bekzod@demo.example");
        assertThat(all).extracting(AffectedSubjects.Subject::locale).containsExactly("uz", "uz-Cyrl", "ru", "ky",
                "en", null);
        assertThat(all.get(0).toString()).doesNotContain("dilnoza").doesNotContain("1001");
    }

    @Test
    void shouldMatchKeysExactlyAsText_whenKeysAreNamed() throws SQLException {
        List<String> asked = List.of("1004", "1003", "9999", "abc", "01001", "1001 OR 1=1", " 1002", "1002.0", "",
                "99999999999999999999999");

        assertThat(keys(demo(), new AffectedSubjects.Keys(asked))).containsExactly("1003", "1004");
        assertThat(keys(demo(), new AffectedSubjects.Keys(List.of("x")))).isEmpty();
        assertThat(counts(demo(), new AffectedSubjects.Keys(asked))).containsOnly(entry("ru", 1L),
                entry("ky", 1L));
        assertThat(counts(demo(), new AffectedSubjects.Keys(List.of("nobody")))).isEmpty();
    }

    @Test
    void shouldSelectOwnersOfRowsInsideTheWindow_whenASelectorNamesATable() throws SQLException {
        // orders: 5001 (1001, 200 days ago), 5002 (1001, 20), 5003 (1004, 60), 5004 (1005, 10)
        assertThat(keys(demo(), touched("orders", "created_at", daysAgo(15), NOW))).containsExactly("1005");
        assertThat(keys(demo(), touched("orders", "created_at", daysAgo(30), NOW))).containsExactly("1001", "1005");
        assertThat(keys(demo(), touched("orders", "created_at", daysAgo(100), daysAgo(30)))).containsExactly("1004");
        assertThat(keys(demo(), touched("orders", "created_at", daysAgo(9), NOW))).isEmpty();
        // sessions last seen 6, 13 and 20 days ago for everyone; Anna's (1003) old ones 791 and 792 days ago
        assertThat(keys(demo(), touched("sessions", "last_seen_at", daysAgo(800), daysAgo(700))))
                .containsExactly("1003");
        // access logs: everyone 1..30 days ago; 1003 and 1005 also 95..140 days ago
        assertThat(pageKeys(demo(), touched("access_logs", "accessed_at", daysAgo(150), daysAgo(90)), 1))
                .containsExactly(List.of("1003"), List.of("1005"));
        assertThat(counts(demo(), touched("access_logs", "accessed_at", daysAgo(15), NOW.plusSeconds(60))))
                .containsOnly(entry("uz", 1L), entry("uz-Cyrl", 1L), entry("ru", 1L), entry("ky", 1L),
                        entry("en", 1L), entry(NULL_LOCALE, 1L));
    }

    /** No locale stored. */
    private static final String NULL_LOCALE = null;

    @Test
    void shouldFollowTheBelongsToChain_whenTheSelectorTableBelongsThroughAParent() throws SQLException {
        // order_events -> orders -> users: 5003 (Aigul, 1004) 5 days ago, 5001 (Dilnoza, 1001) 50 days ago
        assertThat(keys(demo(), touched("order_events", "happened_at", daysAgo(10), NOW))).containsExactly("1004");
        assertThat(keys(demo(), touched("order_events", "happened_at", daysAgo(60), NOW))).containsExactly("1001",
                "1004");
        // Pages after the first carry the cursor into the chain too
        assertThat(pageKeys(demo(), touched("order_events", "happened_at", daysAgo(60), NOW), 1)).containsExactly(
                List.of("1001"), List.of("1004"));
        assertThat(counts(demo(), touched("order_events", "happened_at", daysAgo(60), NOW))).containsOnly(
                entry("uz", 1L), entry("ky", 1L));
    }

    @Test
    void shouldSkipSubjectsWithoutAddressAndMatchTextKeysExactly_whenTheKeyIsText() throws SQLException {
        // people: ('a', a@x), ('B', b@x), ('c', NULL), ('d', d@x)
        AffectedSubjects people = people();
        assertThat(keys(people, new AffectedSubjects.Everyone())).containsExactlyInAnyOrder("a", "B", "d");
        assertThat(keys(people, new AffectedSubjects.Keys(List.of("b", "A", "c", "d", "B")))).containsExactly("B", "d");
        assertThat(counts(people, new AffectedSubjects.Everyone())).containsOnly(entry(NULL_LOCALE, 3L));
        assertThat(pageKeys(people, new AffectedSubjects.Everyone(), 2)).hasSize(2);
    }

    @Test
    void shouldReadOneSnapshot_whenTheAppWritesBetweenPages() throws SQLException {
        try (AffectedSubjects.Pages p = demo().open(store, new AffectedSubjects.Everyone(), 2)) {
            assertThat(p.next()).hasSize(2);
            // Another session of the app adds a user after the first page
            exec(insertUser(5000, "late@demo.example"));
            List<String> rest = new ArrayList<>();
            for (List<AffectedSubjects.Subject> page = p.next(); !page.isEmpty(); page = p.next()) {
                page.forEach(s -> rest.add(s.key()));
            }
            assertThat(rest).containsExactly("1003", "1004", "1005", "1006");
        }
        assertThat(keys(demo(), new AffectedSubjects.Everyone())).contains("5000");
    }

    @Test
    void shouldGiveTheConnectionBackAsItCame_whenThePagesClose() throws SQLException {
        int isolation = store.getTransactionIsolation();
        try (AffectedSubjects.Pages p = demo().open(store, new AffectedSubjects.Everyone(), 2)) {
            p.next();
            assertThat(store.getAutoCommit()).isFalse();
        }
        assertThat(store.getAutoCommit()).isTrue();
        assertThat(store.isReadOnly()).isFalse();
        assertThat(store.getTransactionIsolation()).isEqualTo(isolation);
    }

    @Test
    void shouldRefuseWhatTheMapDoesNotHold_whenASelectorIsWrong() throws SQLException {
        AffectedSubjects demo = demo();
        assertThatThrownBy(() -> demo.open(store, touched("payments", "paid_at", daysAgo(1), NOW), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> demo.open(store, touched("orders", "recipient_name", daysAgo(1), NOW), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> demo.open(store, new AffectedSubjects.Everyone(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    protected static AffectedSubjects.Touched touched(String table, String column, Instant from, Instant to) {
        return new AffectedSubjects.Touched(table, column, from, to);
    }
}
