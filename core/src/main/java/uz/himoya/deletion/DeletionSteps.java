package uz.himoya.deletion;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uz.himoya.db.Jdbc;

/**
 * A deletion request's parts, one per app store (V6__app_stores.sql): PENDING until the store's erasure and
 * ledger row committed and Himoya copied its counts, then DONE. On the caller's transaction. The parts of
 * the app's webhook systems ({@code system:<name>}) live in the same table; {@link SystemSteps} drives them,
 * and {@link #pending} and {@link #failed} leave them alone.
 */
@ApplicationScoped
public class DeletionSteps {
    private final Jdbc jdbc;

    public DeletionSteps(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens a PENDING step per part; parts already open keep their state. */
    public void open(UUID id, List<String> parts, Instant now) {
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO deletion_step (request_id, part, status,"
                    + " updated_at) VALUES (?, ?, 'PENDING', ?) ON CONFLICT (request_id, part) DO NOTHING")) {
                for (String part : parts) {
                    ps.setObject(1, id);
                    ps.setString(2, part);
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The stores still to erase (system parts are SystemSteps'). */
    public List<String> pending(UUID id) {
        return sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT part FROM deletion_step WHERE request_id = ?"
                    + " AND status = 'PENDING' AND part NOT LIKE 'system:%' ORDER BY part")) {
                ps.setObject(1, id);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    public void done(UUID id, String part, String outcome, Instant now) {
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET status = 'DONE', outcome = ?,"
                    + " attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE request_id = ? AND part = ?")) {
                ps.setString(1, outcome);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setObject(3, id);
                ps.setString(4, part);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * A failed attempt on the request's open store steps: counted, with its code; FAILED when the request is.
     * System steps keep their own attempts: no job went out to them.
     */
    public void failed(UUID id, String code, boolean requestFailed, Instant now) {
        sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET attempts = attempts + 1,"
                    + " last_error = ?, status = CASE WHEN ? THEN 'FAILED' ELSE status END, updated_at = ?"
                    + " WHERE request_id = ? AND status = 'PENDING' AND part NOT LIKE 'system:%'")) {
                ps.setString(1, code);
                ps.setBoolean(2, requestFailed);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setObject(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The counts of each DONE part. */
    public Map<String, String> outcomes(UUID id) {
        return sql(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT part, outcome FROM deletion_step WHERE"
                    + " request_id = ? AND status = 'DONE'")) {
                ps.setObject(1, id);
                Map<String, String> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
                return out;
            }
        });
    }

    private <T> T sql(Jdbc.Work<T> work) {
        return jdbc.call(work);
    }
}
