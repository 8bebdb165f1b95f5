package uz.himoya.store.postgres;

import static uz.himoya.store.postgres.PostgresDialect.quote;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
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
 * A subject's rows in one PostgreSQL store. Each table's rows are picked by the condition the erasure uses
 * ({@link PostgresErasurePlanner#where}), a referenced table's by the keys the erasure's captures find
 * ({@link PostgresErasurePlanner#reached}), read here without the erasure's row locks.
 *
 * <pre>
 * SELECT t."email", t."full_name" FROM "demo_app"."users" t WHERE t."id" = CAST(? AS bigint)
 * SELECT t."city" FROM "shop"."address" t WHERE t."address_id" = ANY(CAST(CAST(? AS text[]) AS integer[]))
 * </pre>
 */
final class PostgresSubjectRows implements SubjectRows {

    /** One table's read: what the sink is told, the statement, and whether it binds captured keys. */
    private record Read(Table table, String sql, boolean referenced) {
    }

    private final List<Read> reads;
    private final List<PostgresErasurePlan.Capture> captures;

    PostgresSubjectRows(PrivacyMap map, String store, Catalogue catalogue) {
        List<PrivacyMap.Table> tables = map.tablesOf(store);
        String schema = quote(map.store(store).schema());
        List<Read> out = new ArrayList<>();
        for (PrivacyMap.Table t : tables) {
            List<Column> columns = new ArrayList<>();
            List<String> select = new ArrayList<>();
            for (Map.Entry<String, String> e : new TreeMap<>(t.categories()).entrySet()) {
                catalogue.column(t.name(), e.getKey()).orElseThrow(); // validated: the map names no other
                columns.add(new Column(e.getKey(), e.getValue()));
                select.add("t." + quote(e.getKey()));
            }
            String where = t.referenced() ? PostgresErasurePlanner.reached(catalogue, t)
                    : PostgresErasurePlanner.where(map, catalogue, t);
            out.add(new Read(new Table(t.name(), columns), "SELECT " + (select.isEmpty() ? "1" : String.join(", ",
                    select)) + " FROM " + schema + "." + quote(t.name()) + " t WHERE " + where, t.referenced()));
        }
        this.reads = List.copyOf(out);
        this.captures = PostgresErasurePlanner.captures(map, tables, Map.of(store, catalogue));
    }

    @Override
    public List<Table> tables() {
        return reads.stream().map(Read::table).toList();
    }

    @Override
    public Map<String, Long> read(Connection c, String subjectKey, RowSink sink) throws SQLException, IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (ReadSnapshot snapshot = new ReadSnapshot(c)) {
            // The captures read the keys first, in the same snapshot as the rows, so a referenced row is one the
            // subject's rows point at in the state read.
            Map<String, Set<String>> captured = PostgresErasureExecutor.capture(c, captures, subjectKey, false);
            for (Read r : reads) {
                sink.table(r.table());
                Set<String> ids = r.referenced() ? captured.getOrDefault(r.table().name(), Set.of()) : null;
                long rows = 0;
                if (ids == null || !ids.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(r.sql())) {
                        if (ids == null) {
                            ps.setString(1, subjectKey);
                        } else {
                            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                        }
                        rows = RowValues.stream(ps, r.table(), sink);
                    }
                }
                counts.put(r.table().name(), rows);
            }
        }
        return counts;
    }
}
