package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;

/**
 * The app stores one sweep invocation works in: one connection per store, opened on first use and closed
 * when the invocation ends. One, not one per use: a store's pool holds two connections at most
 * (uz.himoya.store.StoreConnections), and the batches, the exclusions' subject look-ups and the dry-run
 * counts of an invocation run one after the other.
 *
 * <p>A connection is handed out with auto-commit on: a look-up or a count then holds no transaction (and so
 * no lock on the app's tables) beyond its statement. A batch sets auto-commit off for its own transaction
 * ({@link StoreBatches}) and back on after it.
 */
final class StoreSessions implements AutoCloseable {
    private final AppRegistry.StoreOpener opener;
    private final Map<String, Connection> open = new LinkedHashMap<>();

    StoreSessions(AppRegistry.StoreOpener opener) {
        this.opener = opener;
    }

    Connection get(PrivacyMap.Store store) throws SQLException {
        Connection c = open.get(store.name());
        if (c == null) {
            c = opener.open(store);
            c.setAutoCommit(true);
            open.put(store.name(), c);
        }
        return c;
    }

    /** The connection a rule's rows are reached on: its store's, or Himoya's own for Himoya's rules. */
    Connection forRule(PlannedRule rule, Connection himoya) throws SQLException {
        return rule.store().isPresent() ? get(rule.store().get()) : himoya;
    }

    @Override
    public void close() {
        for (Connection c : open.values()) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken connection is discarded by its pool anyway
            }
        }
        open.clear();
    }
}
