package uz.himoya.privacymap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What PostgreSQL says exists in an app's schema: the only source of identifiers Himoya puts in SQL. */
public record Catalogue(String schema, Map<String, Map<String, Column>> tables, List<ForeignKey> foreignKeys) {

    /** sqlType is PostgreSQL's own spelling (format_type), safe to use in a CAST. */
    public record Column(String name, String sqlType, boolean nullable, boolean text, boolean temporal) {
    }

    /** A foreign key inside the schema: table(columns) references referencedTable. */
    public record ForeignKey(String table, List<String> columns, String referencedTable) {
    }

    public Optional<Column> column(String table, String column) {
        return Optional.ofNullable(tables.get(table)).map(t -> t.get(column));
    }

    public static Catalogue load(Connection c, String schema) throws SQLException {
        Map<String, Map<String, Column>> tables = new HashMap<>();
        String columns = """
                SELECT cl.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                       t.typcategory = 'S', t.typcategory = 'D'
                  FROM pg_attribute a
                  JOIN pg_class cl ON cl.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = cl.relnamespace
                  JOIN pg_type t ON t.oid = a.atttypid
                 WHERE n.nspname = ? AND cl.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                """;
        try (PreparedStatement ps = c.prepareStatement(columns)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                            new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
                                    rs.getBoolean(6)));
                }
            }
        }
        List<ForeignKey> fks = new ArrayList<>();
        String foreignKeys = """
                SELECT src.relname, dst.relname,
                       ARRAY(SELECT a.attname FROM unnest(co.conkey) k JOIN pg_attribute a
                               ON a.attrelid = co.conrelid AND a.attnum = k)
                  FROM pg_constraint co
                  JOIN pg_class src ON src.oid = co.conrelid
                  JOIN pg_class dst ON dst.oid = co.confrelid
                  JOIN pg_namespace n ON n.oid = src.relnamespace
                  JOIN pg_namespace dn ON dn.oid = dst.relnamespace
                 WHERE co.contype = 'f' AND n.nspname = ? AND dn.nspname = n.nspname
                """;
        try (PreparedStatement ps = c.prepareStatement(foreignKeys)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fks.add(new ForeignKey(rs.getString(1),
                            List.of((String[]) rs.getArray(3).getArray()), rs.getString(2)));
                }
            }
        }
        return new Catalogue(schema, Map.copyOf(tables), List.copyOf(fks));
    }
}
