package uz.himoya.auth;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;

/** App API keys: each belongs to one app and is stored only as its SHA-256. */
@ApplicationScoped
public class ApiKeys {
    private final AgroalDataSource dataSource;
    private final HimoyaConfig config;
    private final Clock clock;

    public ApiKeys(AgroalDataSource dataSource, HimoyaConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    /** The app a bearer key belongs to, if it is a live key. */
    public Optional<String> appFor(String bearerKey) {
        if (bearerKey == null || bearerKey.isBlank() || bearerKey.length() > 512) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT app_id FROM api_key WHERE key_hash = ? AND revoked_at IS NULL")) {
            ps.setBytes(1, Secrets.sha256(bearerKey));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
    }

    /** Registers the keys given in himoya.bootstrap-keys (idempotent), so a deployment needs no SQL by hand. */
    public void bootstrap() {
        Map<String, String> keys = config.bootstrapKeys();
        if (keys.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("""
                            INSERT INTO api_key (key_hash, app_id, label, created_at) VALUES (?, ?, 'bootstrap', ?)
                            ON CONFLICT (key_hash) DO NOTHING""")) {
                for (Map.Entry<String, String> k : keys.entrySet()) {
                    ps.setBytes(1, Secrets.sha256(k.getValue()));
                    ps.setString(2, k.getKey());
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot register bootstrap keys: " + e.getSQLState(), e);
            }
        });
    }
}
