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
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SubjectFinder;

/**
 * The subject keys a sweep must leave alone, read again in every batch's transaction: subjects under an
 * active legal hold, and subjects with an open deletion request (AWAITING_VERIFICATION, QUEUED,
 * IN_PROGRESS), whose data the erasure will take whole and account for in its receipt. Anonymizing such a
 * user first would hash the e-mail the request finds them by.
 *
 * <p>Why keys and not hashes: Himoya stores subjects as HMAC hashes, and HMAC cannot be computed inside the
 * app's database, so a row's subject key cannot be hashed in the WHERE clause. Instead the few keys to
 * exclude are unsealed here (holds keep the key sealed; open requests keep a sealed {id, email} that is
 * resolved to a key through the app's subject table) and handed to the rule as values
 * (SweepRule.Scope.excludedKeys), bound as parameters of its statement.
 *
 * <p>Two databases, never one statement: holds and requests are read from Himoya's database, the subject of
 * a request is looked up in the app's subject store, each on its own connection. Resolved requests are
 * cached for the life of this object (one invocation): a request's subject does not change.
 */
public final class Exclusions {
    private final Secrets secrets;
    private final String appId;
    private final PrivacyMap.Store subjectStore;
    private final SubjectFinder subjects;
    private final Map<UUID, Optional<String>> requestKeys = new HashMap<>();

    public Exclusions(Secrets secrets, String appId, PrivacyMap.Store subjectStore, SubjectFinder subjects) {
        this.secrets = secrets;
        this.appId = appId;
        this.subjectStore = subjectStore;
        this.subjects = subjects;
    }

    /**
     * himoya: Himoya's connection, in the transaction the keys are used in (it takes the app's shared
     * legal-hold lock until that transaction ends, HoldStore); stores: where the subject store is reached.
     */
    List<String> keys(Connection himoya, StoreSessions stores) throws SQLException {
        TreeSet<String> keys = new TreeSet<>(HoldStore.heldKeys(himoya, secrets, appId));
        Map<UUID, byte[]> unresolved = new HashMap<>();
        try (PreparedStatement ps = himoya.prepareStatement("SELECT id, subject_ref FROM deletion_request"
                + " WHERE app_id = ? AND status IN ('AWAITING_VERIFICATION', 'QUEUED', 'IN_PROGRESS')"
                + " AND subject_ref IS NOT NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Optional<String> known = requestKeys.get(id);
                    if (known != null) {
                        known.ifPresent(keys::add);
                    } else {
                        unresolved.put(id, rs.getBytes(2));
                    }
                }
            }
        }
        for (Map.Entry<UUID, byte[]> r : unresolved.entrySet()) {
            Optional<String> key = resolve(stores, r.getValue());
            requestKeys.put(r.getKey(), key);
            key.ifPresent(keys::add);
        }
        return List.copyOf(keys);
    }

    private Optional<String> resolve(StoreSessions stores, byte[] sealed) throws SQLException {
        SubjectRef ref = SubjectRef.open(secrets, sealed);
        return subjects.find(stores.get(subjectStore), ref.optId(), ref.optEmail()).map(SubjectFinder.Subject::key);
    }
}
