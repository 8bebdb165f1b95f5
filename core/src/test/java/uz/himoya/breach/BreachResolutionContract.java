package uz.himoya.breach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.db.StoreUnavailable;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Breach resolution across databases: the app's subjects read from a store on another server, the notices
 * written into Himoya's own database (embedded PostgreSQL, {@link EmbeddedDatabase}). Run once per kind of
 * store; the store holds the demo app's seed, and nothing of it exists in Himoya's database.
 */
abstract class BreachResolutionContract {
    static final String HASH_KEY = "5a1e0b3c".repeat(8);
    static final uz.himoya.crypto.Secrets SECRETS = new uz.himoya.crypto.Secrets(
            java.util.Base64.getEncoder().encodeToString("breach-contract-secret-of-32-byte".getBytes()),
            new java.security.SecureRandom());
    static final Instant NOW = Instant.now();

    private Connection himoya;
    private Connection store;
    private PrivacyMap map;
    private AffectedSubjects affected;

    /** Reloads the demo app (with order_events) in the store and connects to it. */
    protected abstract Connection loadStore() throws SQLException;

    /** The store's catalogue of the demo schema or database. */
    protected abstract Catalogue catalogue(Connection store) throws SQLException;

    /** The demo map (with order_events and its selector), parsed for the store; validated by the caller. */
    protected abstract PrivacyMap parsedMap();

    /** Runs statements on the store, each committed. */
    protected abstract void exec(String... sql) throws SQLException;

    /** Adds n users from id first, one e-mail each, locales cycling through uz, ru, ky, en, uz-Cyrl. */
    protected abstract void addUsers(long first, int n) throws SQLException;

    @BeforeAll
    static void himoyaTables() {
        EmbeddedDatabase.migrateHimoya();
    }

    @BeforeEach
    void connect() throws SQLException {
        store = loadStore();
        Catalogue catalogue = catalogue(store);
        map = uz.himoya.privacymap.CatalogueValidator.validate(parsedMap(), catalogue);
        affected = BreachResolver.affectedSubjects(map, catalogue);
        himoya = EmbeddedDatabase.dataSource().getConnection();
        himoya.setAutoCommit(false);
    }

    @AfterEach
    void disconnect() throws SQLException {
        himoya.rollback();
        himoya.close();
        store.close();
    }

    private UUID incident() throws SQLException {
        UUID id = UUID.randomUUID();
        BreachStore.insert(himoya, new BreachStore.Row(id, "demo", "test", NOW, NOW.minus(Duration.ofDays(30)), NOW,
                List.of("contact.email"), Map.of(), Map.of("kind", "all"), "SENDING", NOW, NOW, NOW, null, null,
                null, 0));
        himoya.commit();
        return id;
    }

    private BreachResolver.Resolution resolve(UUID incident, AffectedSubjects.Selection s, int pageSize)
            throws SQLException {
        return resolve(incident, affected, s, pageSize);
    }

    private BreachResolver.Resolution resolve(UUID incident, AffectedSubjects source, AffectedSubjects.Selection s,
            int pageSize) throws SQLException {
        try {
            BreachResolver.Resolution r = BreachResolver.resolve(himoya, incident, store, map, source, s, HASH_KEY,
                    SECRETS::encrypt, pageSize);
            himoya.commit();
            return r;
        } catch (SQLException | RuntimeException e) {
            himoya.rollback();
            throw e;
        }
    }

    private List<String> column(String sql, UUID incident) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = himoya.prepareStatement(sql)) {
            ps.setObject(1, incident);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        himoya.commit();
        return out;
    }

    /** The notices' addresses in seq order, opened: the rows hold them sealed only (V11). */
    private List<String> addresses(UUID incident) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = himoya.prepareStatement("SELECT sealed_address, address FROM breach_notice"
                + " WHERE incident_id = ? ORDER BY seq")) {
            ps.setObject(1, incident);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(2)).as("no address in clear").isNull();
                    out.add(SECRETS.decrypt(rs.getBytes(1)));
                }
            }
        }
        himoya.commit();
        return out;
    }

    /** "count distinct-seq min max" of the incident's notices. */
    private String seqs(UUID incident) throws SQLException {
        return column("SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || coalesce(min(seq), 0) || ' ' ||"
                + " coalesce(max(seq), 0) FROM breach_notice WHERE incident_id = ?", incident).get(0);
    }

    private static AffectedSubjects.Touched touched(String table, String column, long fromDaysAgo) {
        return new AffectedSubjects.Touched(table, column, NOW.minus(Duration.ofDays(fromDaysAgo)), NOW.plusSeconds(60));
    }

    @Test
    void shouldWriteOneNoticePerSubjectWithTheSqlResolutionsValues_whenEveryoneIsAffected() throws SQLException {
        // Arrange: an address in mixed case and Cyrillic, whose lower case the address hash is taken over
        exec(updateEmail(1003, "Анна.PETROVA@Demo.Example"));
        UUID id = incident();

        // Act
        BreachResolver.Resolution r = resolve(id, new AffectedSubjects.Everyone(), 4);

        // Assert: the values the one INSERT ... SELECT in PostgreSQL always wrote, byte for byte
        assertThat(r.added()).isEqualTo(6);
        assertThat(r.pages()).isEqualTo(2);
        assertThat(seqs(id)).isEqualTo("6 6 1 6");
        String expected = """
                SELECT count(*) FROM breach_notice n JOIN (VALUES
                  ('1001', 'dilnoza@demo.example', 'uz'), ('1002', 'sherzod@demo.example', 'uz-Cyrl'),
                  ('1003', 'Анна.PETROVA@Demo.Example', 'ru'), ('1004', 'aigul@demo.example', 'ky'),
                  ('1005', 'john@demo.example', 'en'), ('1006', 'bekzod@demo.example', 'uz')) v (k, e, l)
                    ON n.subject_hash = sha256(convert_to('%1$s' || v.k, 'UTF8'))
                   AND n.address_hash = sha256(convert_to('%1$s' || lower(v.e), 'UTF8'))
                   AND n.address IS NULL AND n.sealed_address IS NOT NULL
                   AND n.locale = v.l AND n.status = 'PENDING' AND n.attempts = 0
                 WHERE n.incident_id = ?""".formatted(HASH_KEY);
        assertThat(column(expected, id)).containsExactly("6");
        // Each address sealed, and opened again as the store had it
        assertThat(addresses(id)).containsExactly("dilnoza@demo.example", "sherzod@demo.example",
                "Анна.PETROVA@Demo.Example", "aigul@demo.example", "john@demo.example", "bekzod@demo.example");
        // Numbered in key order
        assertThat(addresses(id)).startsWith("dilnoza@demo.example", "sherzod@demo.example");
    }

    @Test
    void shouldReachOnlyOwnersOfRowsInTheWindow_whenASelectorIsUsed() throws SQLException {
        UUID orders = incident();
        UUID events = incident();
        UUID logs = incident();

        assertThat(resolve(orders, touched("orders", "created_at", 15), 2).added()).isEqualTo(1);
        assertThat(resolve(events, touched("order_events", "happened_at", 10), 2).added()).isEqualTo(1);
        assertThat(resolve(logs, touched("access_logs", "accessed_at", 15), 2).added()).isEqualTo(6);

        assertThat(addresses(orders)).containsExactly("john@demo.example");
        assertThat(addresses(events)).containsExactly("aigul@demo.example");
        assertThat(seqs(logs)).isEqualTo("6 6 1 6");
    }

    @Test
    void shouldCountOnTheStoreWhatResolutionWrites_whenDryRunCounts() throws SQLException {
        AffectedSubjects.Selection s = touched("access_logs", "accessed_at", 15);
        UUID id = incident();

        Map<String, Long> counts = BreachResolver.countByLocale(store, map, affected, s);
        resolve(id, s, 3);

        // Bekzod (1006) has no locale: he counts, and is written, under the app's default
        assertThat(counts).containsOnly(entry("en", 1L), entry("ky", 1L), entry("ru", 1L), entry("uz", 2L),
                entry("uz-Cyrl", 1L));
        Map<String, Long> written = new LinkedHashMap<>();
        for (String l : column("SELECT locale FROM breach_notice WHERE incident_id = ?", id)) {
            written.merge(l, 1L, Long::sum);
        }
        assertThat(written).isEqualTo(counts);
        assertThat(BreachResolver.countByLocale(store, map, affected, new AffectedSubjects.Keys(List.of("1004", "x"))))
                .containsOnly(entry("ky", 1L));
    }

    @Test
    void shouldAddNothingTwiceAndKeepSeqDense_whenResolutionRunsAgain() throws SQLException {
        // Arrange: a first page of ids, committed (the call's answer may have been lost)
        UUID id = incident();
        assertThat(resolve(id, new AffectedSubjects.Keys(List.of("1004", "1002", "9999")), 1000).added()).isEqualTo(2);

        // Act: the same page again, then every subject, then every subject again (a redelivery)
        int again = resolve(id, new AffectedSubjects.Keys(List.of("1002", "1004")), 1000).added();
        int rest = resolve(id, new AffectedSubjects.Everyone(), 2).added();
        int twice = resolve(id, new AffectedSubjects.Everyone(), 2).added();

        // Assert
        assertThat(again).isZero();
        assertThat(rest).isEqualTo(4);
        assertThat(twice).isZero();
        assertThat(seqs(id)).isEqualTo("6 6 1 6");
        assertThat(addresses(id)).containsExactly("sherzod@demo.example", "aigul@demo.example",
                "dilnoza@demo.example", "anna@demo.example", "john@demo.example", "bekzod@demo.example");
    }

    @Test
    void shouldLeaveNoNoticeAndResolveCleanlyLater_whenTheStoreFailsMidway() throws SQLException {
        UUID id = incident();
        // The store's connection breaks while the third page is read: the first two are already copied
        AtomicInteger reads = new AtomicInteger();
        AffectedSubjects breaking = new Delegate(affected) {
            @Override
            List<AffectedSubjects.Subject> next(AffectedSubjects.Pages p) throws SQLException {
                if (reads.incrementAndGet() == 3) {
                    throw new SQLException("connection reset", "08006");
                }
                return p.next();
            }
        };

        assertThatThrownBy(() -> resolve(id, breaking, new AffectedSubjects.Everyone(), 2))
                .isInstanceOf(StoreUnavailable.class).hasMessageContaining("sql-08006")
                .hasMessageNotContaining("@");
        assertThat(seqs(id)).isEqualTo("0 0 0 0");
        assertThat(store.getAutoCommit()).isTrue();

        // The retry (the caller's, or ops') resolves everything once
        assertThat(resolve(id, new AffectedSubjects.Everyone(), 2).added()).isEqualTo(6);
        assertThat(seqs(id)).isEqualTo("6 6 1 6");
    }

    @Test
    void shouldHoldOnePageAtATime_whenManySubjectsAreResolved() throws SQLException {
        // Arrange: 5,000 more users; pages of 64
        addUsers(200_000, 5_000);
        UUID id = incident();
        List<Integer> handedOut = new ArrayList<>();
        AffectedSubjects counting = new Delegate(affected) {
            @Override
            List<AffectedSubjects.Subject> next(AffectedSubjects.Pages p) throws SQLException {
                List<AffectedSubjects.Subject> page = p.next();
                handedOut.add(page.size());
                return page;
            }
        };

        // Act
        BreachResolver.Resolution r = resolve(id, counting, new AffectedSubjects.Everyone(), 64);

        // Assert: 5,006 notices from 79 pages (78 full, one of 14); never more than one page held
        assertThat(r.added()).isEqualTo(5_006);
        assertThat(r.pages()).isEqualTo(79);
        assertThat(r.mostHeld()).isEqualTo(64);
        // 79 pages and the empty answer that ends the stream (after a short page, without asking the store)
        assertThat(handedOut).hasSize(80).allMatch(n -> n <= 64).endsWith(5_006 - 78 * 64, 0);
        assertThat(seqs(id)).isEqualTo("5006 5006 1 5006");
        long total = BreachResolver.countByLocale(store, map, affected, new AffectedSubjects.Everyone()).values()
                .stream().mapToLong(Long::longValue).sum();
        assertThat(total).isEqualTo(5_006);

        // And again, page by page against what the incident holds: nothing more
        assertThat(resolve(id, new AffectedSubjects.Everyone(), 64).added()).isZero();
    }

    protected abstract String updateEmail(long id, String email);

    /** An AffectedSubjects whose pages go through {@link #next(AffectedSubjects.Pages)}. */
    private static class Delegate implements AffectedSubjects {
        private final AffectedSubjects inner;

        Delegate(AffectedSubjects inner) {
            this.inner = inner;
        }

        List<Subject> next(Pages p) throws SQLException {
            return p.next();
        }

        @Override
        public Pages open(Connection store, Selection selection, int pageSize) throws SQLException {
            Pages p = inner.open(store, selection, pageSize);
            return new Pages() {
                @Override
                public List<Subject> next() throws SQLException {
                    return Delegate.this.next(p);
                }

                @Override
                public void close() throws SQLException {
                    p.close();
                }
            };
        }

        @Override
        public List<LocaleCount> countByLocale(Connection store, Selection selection) throws SQLException {
            return inner.countByLocale(store, selection);
        }
    }
}
