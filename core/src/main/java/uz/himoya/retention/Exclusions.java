package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.SubjectRef;
import uz.himoya.holds.HoldStore;
import uz.himoya.store.port.SubjectFinder;

/**
 * The subject keys a sweep must leave alone, read again in every batch's transaction: subjects under an
 * active legal hold, and subjects with an open deletion request (AWAITING_VERIFICATION, QUEUED,
 * IN_PROGRESS), whose data the erasure will take whole and account for in its receipt. Anonymizing such a
 * user first would hash the e-mail the request finds them by.
 *
 * <p>Why keys and not hashes: Himoya stores subjects as HMAC hashes, and HMAC cannot be computed inside
 * PostgreSQL, so a row's subject key (ErasurePlanner.subjectKey) cannot be hashed in the WHERE clause.
 * Instead the few keys to exclude are unsealed here (holds keep the key sealed; open requests keep a sealed
 * {id, email} that is resolved to a key through the app's subject table) and bound as one text[] parameter.
 * Resolved requests are cached for the life of this object (one invocation): a request's subject does not
 * change.
 */
public final class Exclusions {
    private final Secrets secrets;
    private final String appId;
    private final SubjectFinder subjects;
    private final Map<UUID, Optional<String>> requestKeys = new HashMap<>();

    public Exclusions(Secrets secrets, String appId, SubjectFinder subjects) {
        this.secrets = secrets;
        this.appId = appId;
        this.subjects = subjects;
    }

    public List<String> keys(Connection c) throws SQLException {
        TreeSet<String> keys = new TreeSet<>(HoldStore.heldKeys(c, secrets, appId));
        try (PreparedStatement ps = c.prepareStatement("SELECT id, subject_ref FROM deletion_request WHERE app_id = ?"
                + " AND status IN ('AWAITING_VERIFICATION', 'QUEUED', 'IN_PROGRESS') AND subject_ref IS NOT NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    if (!requestKeys.containsKey(id)) {
                        requestKeys.put(id, resolve(c, rs.getBytes(2)));
                    }
                    requestKeys.get(id).ifPresent(keys::add);
                }
            }
        }
        return List.copyOf(keys);
    }

    private Optional<String> resolve(Connection c, byte[] sealed) throws SQLException {
        SubjectRef ref = SubjectRef.open(secrets, sealed);
        return subjects.find(c, ref.optId(), ref.optEmail()).map(SubjectFinder.Subject::key);
    }
}
