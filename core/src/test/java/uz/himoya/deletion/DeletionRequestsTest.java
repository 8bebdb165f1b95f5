package uz.himoya.deletion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.db.Jdbc;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * The deletion request's table through the JDBC layer, on Himoya's embedded PostgreSQL with its migrations:
 * every column survives the round trip, a stale version is refused, and the row lock keeps a second updater
 * out but lets a step (deletion_step references the request) be inserted. Without Quarkus, so without JTA:
 * the instance methods run on auto-commit connections, and the lock tests hold their transactions on
 * connections of their own through the static forms.
 */
class DeletionRequestsTest {
    private static final String APP = "requests-test";
    static AgroalDataSource pool;
    static DeletionRequests requests;

    @BeforeAll
    static void start() throws SQLException {
        EmbeddedDatabase.migrateHimoya();
        pool = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier().metricsEnabled(false)
                .connectionPoolConfiguration(cp -> cp.maxSize(4).acquisitionTimeout(Duration.ofSeconds(5))
                        .connectionFactoryConfiguration(cf -> cf.jdbcUrl(EmbeddedDatabase.jdbcUrl())
                                .principal(new NamePrincipal("postgres")).credential(new SimplePassword("postgres")))));
        requests = new DeletionRequests(new Jdbc(pool));
    }

    @AfterEach
    void clean() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM deletion_request WHERE app_id = '" + APP + "'");
        }
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @Test
    void shouldReadBackEveryColumn_whenARequestIsInserted() {
        // Arrange: every column set, the receipt as JSON, times at PostgreSQL's microseconds
        DeletionRequest r = full();

        // Act
        requests.insert(r);
        DeletionRequest read = requests.find(r.id).orElseThrow();

        // Assert
        assertThat(read).usingRecursiveComparison().ignoringFields("receipt").isEqualTo(r);
        assertThat(read.receipt).isEqualTo("{\"found\": true, \"tables\": []}");
        assertThat(read.version).isZero();
        assertThat(requests.find(UUID.randomUUID())).isEmpty();
    }

    @Test
    void shouldStoreTheChangeAndBumpTheVersion_whenUpdatedAtTheVersionRead() {
        // Arrange
        DeletionRequest r = minimal();
        requests.insert(r);
        DeletionRequest read = requests.find(r.id).orElseThrow();

        // Act: nulls written over values, values over nulls
        read.status = DeletionStatus.COMPLETED;
        read.completedAt = at(Instant.parse("2026-12-02T10:00:00.123456Z"));
        read.mailPending = DeletionRequest.MailPending.CONFIRMATION;
        read.subjectRef = null;
        read.attempts = 3;
        read.receipt = "{\"a\":1}";
        requests.update(read);

        // Assert
        DeletionRequest again = requests.find(r.id).orElseThrow();
        assertThat(read.version).isEqualTo(1);
        assertThat(again.version).isEqualTo(1);
        assertThat(again.status).isEqualTo(DeletionStatus.COMPLETED);
        assertThat(again.completedAt).isEqualTo(read.completedAt);
        assertThat(again.mailPending).isEqualTo(DeletionRequest.MailPending.CONFIRMATION);
        assertThat(again.subjectRef).isNull();
        assertThat(again.attempts).isEqualTo(3);
        assertThat(again.receipt).isEqualTo("{\"a\": 1}");
    }

    @Test
    void shouldRefuseTheUpdateAndChangeNothing_whenTheVersionReadIsStale() {
        // Arrange: two copies read at version 0; the first is stored
        DeletionRequest r = minimal();
        requests.insert(r);
        DeletionRequest first = requests.find(r.id).orElseThrow();
        DeletionRequest stale = requests.find(r.id).orElseThrow();
        first.status = DeletionStatus.CANCELLED;
        requests.update(first);

        // Act / Assert
        stale.status = DeletionStatus.IN_PROGRESS;
        assertThatThrownBy(() -> requests.update(stale)).isInstanceOf(DeletionRequests.ConcurrentChange.class)
                .hasMessageNotContaining(r.id.toString());
        DeletionRequest stored = requests.find(r.id).orElseThrow();
        assertThat(stored.status).isEqualTo(DeletionStatus.CANCELLED);
        assertThat(stored.version).isEqualTo(1);
        assertThat(stale.version).isZero();
    }

    @Test
    void shouldRefuseTheUpdate_whenABulkStatementBumpedTheVersion() throws SQLException {
        // Arrange: the sweep's and the hold lift's statements bump the version as they change a request
        DeletionRequest r = minimal();
        requests.insert(r);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE deletion_request SET last_error = NULL, version = version + 1 WHERE id = '"
                    + r.id + "'");
        }

        // Act / Assert
        assertThatThrownBy(() -> requests.update(r)).isInstanceOf(DeletionRequests.ConcurrentChange.class);
    }

    @Test
    void shouldNotTouchTheVersion_whenTheJobIsMarkedEnqueued() {
        // Arrange
        DeletionRequest r = minimal();
        requests.insert(r);
        Instant when = at(Instant.parse("2026-12-02T09:30:00.5Z"));

        // Act
        requests.markEnqueued(r.id, when);

        // Assert: a worker holding version 0 can still store its change
        DeletionRequest read = requests.find(r.id).orElseThrow();
        assertThat(read.enqueuedAt).isEqualTo(when);
        assertThat(read.version).isZero();
        r.status = DeletionStatus.IN_PROGRESS;
        r.enqueuedAt = when;
        requests.update(r);
        assertThat(requests.find(r.id).orElseThrow().status).isEqualTo(DeletionStatus.IN_PROGRESS);
    }

    @Test
    void shouldFindByTokenAndOpenRequestsBySubjectHash_whenAsked() {
        // Arrange
        DeletionRequest open = minimal();
        open.tokenHash = new byte[] { 7, 7, 7 };
        open.subjectEmailHash = new byte[] { 9 };
        requests.insert(open);
        DeletionRequest closed = minimal();
        closed.subjectIdHash = open.subjectIdHash;
        closed.status = DeletionStatus.COMPLETED;
        requests.insert(closed);

        // Act / Assert
        assertThat(requests.findByTokenForUpdate(new byte[] { 7, 7, 7 })).map(x -> x.id).contains(open.id);
        assertThat(requests.findByTokenForUpdate(new byte[] { 1 })).isEmpty();
        assertThat(requests.findOpen(APP, DeletionRequests.SubjectHash.ID, open.subjectIdHash)).map(x -> x.id)
                .contains(open.id);
        assertThat(requests.findOpen(APP, DeletionRequests.SubjectHash.EMAIL, new byte[] { 9 })).map(x -> x.id)
                .contains(open.id);
        assertThat(requests.findOpen("another-app", DeletionRequests.SubjectHash.ID, open.subjectIdHash)).isEmpty();
    }

    @Test
    void shouldBlockASecondUpdaterButNotAStepInsert_whileTheRowIsLockedForUpdate() throws Exception {
        // Arrange
        DeletionRequest r = minimal();
        r.status = DeletionStatus.QUEUED;
        requests.insert(r);
        try (Connection holder = pool.getConnection(); Connection other = pool.getConnection();
                Connection stepWriter = pool.getConnection()) {
            holder.setAutoCommit(false);
            other.setAutoCommit(false);
            stepWriter.setAutoCommit(false);
            DeletionRequest held = DeletionRequests.find(holder, r.id, true).orElseThrow();

            // Act 1: a second worker asks for the same lock
            CompletableFuture<DeletionRequest> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return DeletionRequests.find(other, r.id, true).orElseThrow();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });

            // Assert 1: it waits
            assertThatThrownBy(() -> second.get(700, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            // Act 2: meanwhile a step of the request is inserted (its foreign key takes FOR KEY SHARE); were the
            // lock FOR UPDATE, this would wait too, and fail on the lock timeout
            try (Statement s = stepWriter.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '2s'");
            }
            try (PreparedStatement ps = stepWriter.prepareStatement("INSERT INTO deletion_step (request_id, part,"
                    + " status, updated_at) VALUES (?, 'demo-shop', 'PENDING', ?)")) {
                ps.setObject(1, r.id);
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            stepWriter.commit();

            // Act 3: the holder stores its change and commits
            held.status = DeletionStatus.IN_PROGRESS;
            DeletionRequests.update(holder, held);
            holder.commit();

            // Assert 3: the second worker gets the row as committed, and its update at that version passes
            DeletionRequest seen = second.get(10, TimeUnit.SECONDS);
            assertThat(seen.status).isEqualTo(DeletionStatus.IN_PROGRESS);
            assertThat(seen.version).isEqualTo(1);
            seen.attempts = 1;
            DeletionRequests.update(other, seen);
            other.commit();
        }
        assertThat(requests.find(r.id).orElseThrow().version).isEqualTo(2);
    }

    private static DeletionRequest minimal() {
        DeletionRequest r = new DeletionRequest();
        r.id = UUID.randomUUID();
        r.appId = APP;
        r.subjectIdHash = UUID.randomUUID().toString().getBytes();
        r.subjectRef = new byte[] { 1, 2, 3 };
        r.status = DeletionStatus.AWAITING_VERIFICATION;
        r.receivedAt = at(Instant.now());
        r.dueAt = r.receivedAt.plus(Duration.ofDays(14));
        return r;
    }

    private static DeletionRequest full() {
        DeletionRequest r = minimal();
        Instant t = at(Instant.parse("2026-12-01T08:00:00.654321Z"));
        r.subjectEmailHash = new byte[] { 4, 5 };
        r.notifyAddress = new byte[] { 6 };
        r.subjectKey = new byte[] { 0, -1, 127 };
        r.locale = "uz-Cyrl";
        r.status = DeletionStatus.FAILED;
        r.attested = true;
        r.verifiedAt = t.plusSeconds(1);
        r.startedAt = t.plusSeconds(2);
        r.completedAt = t.plusSeconds(3);
        r.cancelledAt = t.plusSeconds(4);
        r.expiredAt = t.plusSeconds(5);
        r.failedAt = t.plusSeconds(6);
        r.tokenHash = new byte[] { 8, 8 };
        r.tokenExpiresAt = t.plusSeconds(7);
        r.mailPending = DeletionRequest.MailPending.NOT_ME;
        r.leaseUntil = t.plusSeconds(8);
        r.enqueuedAt = t.plusSeconds(9);
        r.attempts = 2;
        r.lastError = "sql-40001";
        r.receipt = "{\"found\":true,\"tables\":[]}";
        return r;
    }

    private static Instant at(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
