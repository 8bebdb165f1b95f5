package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.ReadSnapshot;
import uz.himoya.store.port.RowValues;
import uz.himoya.store.port.SubjectRows;

/**
 * A subject's rows in one MySQL 8 / MariaDB 10.6+ store. Each table's rows are picked as the erasure's count
 * picks them (MysqlErasure.Owner: the subject's key, or a semi-join up the belongsTo chain), a referenced
 * table's by the keys the erasure's captures find, here read without the erasure's locks. An InnoDB read in a
 * REPEATABLE READ transaction is a consistent non-locking read of the transaction's one snapshot.
 *
 * <pre>
 * SELECT t.`email`, t.`full_name` FROM `demo_kg`.`users` AS t WHERE t.`id` = ?
 * SELECT t.`gift_note` FROM `demo_kg`.`order_items` AS t WHERE t.`order_id` IN (SELECT p1.`id` FROM
 *   `demo_kg`.`orders` AS p1 WHERE p1.`user_id` = ?)
 * SELECT t.`city` FROM `shop`.`address` AS t WHERE t.`address_id` IN (?, ?)
 * </pre>
 */
final class MysqlSubjectRows implements SubjectRows {

    /**
     * One table's read: what the sink is told, the statement, and how the key (the subject's, or each captured
     * one in place of {@value MysqlErasure#IDS}) is bound.
     */
    private record Read(Table table, String sql, MysqlKey key, boolean referenced) {
    }

    private final List<Read> reads;
    private final List<MysqlErasure.Capture> captures;

    MysqlSubjectRows(PrivacyMap map, String store, Catalogue catalogue) {
        String database = catalogue.schema();
        if (!database.equals(map.store(store).schema())) {
            throw new IllegalArgumentException("the store's schema is not the catalogue's database");
        }
        List<PrivacyMap.Table> tables = map.tablesOf(store);
        List<Read> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            List<Column> columns = new ArrayList<>();
            List<String> select = new ArrayList<>();
            for (Map.Entry<String, String> e : new TreeMap<>(t.categories()).entrySet()) {
                catalogue.column(t.name(), e.getKey()).orElseThrow(); // validated: the map names no other
                columns.add(new Column(e.getKey(), e.getValue()));
                select.add(column("t", e.getKey()));
            }
            String from = "SELECT " + (select.isEmpty() ? "1" : String.join(", ", select)) + " FROM "
                    + qualified(database, t.name()) + " AS t WHERE ";
            Table table = new Table(t.name(), columns);
            if (t.referenced()) {
                String key = t.referencedBy().get(0).key();
                out.add(new Read(table, from + column("t", key) + " IN (" + MysqlErasure.IDS + ")",
                        MysqlKey.require(catalogue.column(t.name(), key).orElseThrow(), "table " + t.name()
                                + ": column"), true));
            } else {
                MysqlErasure.Owner owner = MysqlErasure.owner(map, catalogue, database, t);
                out.add(new Read(table, from + owner.reached(), owner.key(), false));
            }
        }
        this.reads = List.copyOf(out);
        this.captures = MysqlErasure.captures(map, catalogue, database, tables);
    }

    @Override
    public List<Table> tables() {
        return reads.stream().map(Read::table).toList();
    }

    @Override
    public Map<String, Long> read(Connection c, String subjectKey, RowSink sink) throws SQLException, IOException {
        for (Read r : reads) {
            if (!r.referenced() && !r.key().fits(subjectKey)) {
                throw new IllegalArgumentException("table " + r.table().name() + ": the subject key is not a value"
                        + " of its key column");
            }
        }
        for (MysqlErasure.Capture cap : captures) {
            if (cap.via().isEmpty() && !cap.key().fits(subjectKey)) {
                throw new IllegalArgumentException("table " + cap.table() + ": the subject key is not a value of"
                        + " the key column it is found by");
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        try (ReadSnapshot snapshot = new ReadSnapshot(c)) {
            Map<String, Set<String>> captured = MysqlErasure.capture(c, captures, subjectKey, false);
            for (Read r : reads) {
                sink.table(r.table());
                List<String> ids = r.referenced() ? List.copyOf(captured.getOrDefault(r.table().name(), Set.of()))
                        : null;
                long rows = 0;
                if (ids == null || !ids.isEmpty()) {
                    String marks = ids == null ? "" : String.join(", ", Collections.nCopies(ids.size(), "?"));
                    try (PreparedStatement ps = c.prepareStatement(r.sql().replace(MysqlErasure.IDS, marks))) {
                        MysqlErasure.bindKeys(ps, 1, r.key(), ids, subjectKey);
                        rows = RowValues.stream(ps, r.table(), sink);
                    }
                }
                counts.put(r.table().name(), rows);
            }
        }
        return counts;
    }
}
