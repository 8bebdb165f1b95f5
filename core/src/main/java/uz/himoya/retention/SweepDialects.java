package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.mysql.MysqlRetention;
import uz.himoya.store.port.SweepRule;

/**
 * The one place the sweep picks a store's dialect (PrivacyMap.StoreKind): PostgreSQL rules from
 * {@link RetentionPlanner}, MySQL 8 / MariaDB rules from {@link MysqlRetention}; the index check likewise
 * (the subject look-up is the store port's, StoreDialects). Everything else in the sweep is dialect-free: it
 * speaks {@link SweepRule}. (To move behind uz.himoya.store.port.StoreDialect together with the PostgreSQL
 * planner, which still lives in this package.)
 */
final class SweepDialects {
    private SweepDialects() {
    }

    /** The map's retention rules, each in its store's dialect, in the map's table order (children first). */
    static List<PlannedRule> plan(PrivacyMap map, Map<String, Catalogue> catalogues, String pseudonymKey) {
        Map<String, SweepRule> byTable = new HashMap<>();
        for (PrivacyMap.Store store : map.stores()) {
            Catalogue catalogue = catalogues.get(store.name());
            List<? extends SweepRule> rules = store.kind().mysqlFamily()
                    ? MysqlRetention.plan(map, store.name(), catalogue, pseudonymKey)
                    : RetentionPlanner.plan(map, store.name(), catalogue, pseudonymKey);
            rules.forEach(r -> byTable.put(r.name(), r));
        }
        List<PlannedRule> planned = new ArrayList<>();
        for (PrivacyMap.Table t : map.tables()) {
            SweepRule rule = byTable.get(t.name());
            if (rule != null) {
                planned.add(PlannedRule.in(map.store(t.store()), rule));
            }
        }
        return List.copyOf(planned);
    }

    /** Whether an index of the table leads with the column, read from the store's own catalogue. */
    static boolean indexed(Connection c, PrivacyMap.Store store, String table, String column) throws SQLException {
        String sql = store.kind().mysqlFamily()
                ? "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1"
                : """
                        SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                          JOIN pg_namespace n ON n.oid = t.relnamespace
                          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                         WHERE n.nspname = ? AND t.relname = ? AND a.attname = ? LIMIT 1""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, store.schema());
            ps.setString(2, table);
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
