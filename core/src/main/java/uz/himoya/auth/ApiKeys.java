package uz.himoya.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;

/** App API keys: each belongs to one app and is stored only as its SHA-256. */
@ApplicationScoped
public class ApiKeys {
    private final Jdbc jdbc;
    private final HimoyaConfig config;
    private final Clock clock;

    public ApiKeys(Jdbc jdbc, HimoyaConfig config, Clock clock) {
        this.jdbc = jdbc;
        this.config = config;
        this.clock = clock;
    }

    /** The app a bearer key belongs to, if it is a live key. */
    public Optional<String> appFor(String bearerKey) {
        if (bearerKey == null || bearerKey.isBlank() || bearerKey.length() > 512) {
            return Optional.empty();
        }
        if (!io.quarkus.runtime.BlockingOperationControl.isBlockingAllowed()) {
            // A database round trip on a Vert.x I/O thread stalls every request that thread serves.
            throw new IllegalStateException("the app key lookup must not run on an I/O thread");
        }
        return jdbc.list("SELECT app_id FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
                ps -> ps.setBytes(1, Secrets.sha256(bearerKey)), rs -> rs.getString(1)).stream().findFirst();
    }

    /** Registers the keys given in himoya.bootstrap-keys (idempotent), so a deployment needs no SQL by hand. */
    public void bootstrap() {
        Map<String, String> keys = config.bootstrapKeys();
        if (keys.isEmpty()) {
            return;
        }
        jdbc.inNewTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO api_key (key_hash, app_id, label, created_at) VALUES (?, ?, 'bootstrap', ?)
                    ON CONFLICT (key_hash) DO NOTHING""")) {
                for (Map.Entry<String, String> k : keys.entrySet()) {
                    ps.setBytes(1, Secrets.sha256(k.getValue()));
                    ps.setString(2, k.getKey());
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }
}
