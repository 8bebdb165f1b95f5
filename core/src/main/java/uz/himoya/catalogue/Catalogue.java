package uz.himoya.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.db.RowIdentity;

/**
 * What PostgreSQL says exists in an app's schema: the only source of identifiers Himoya puts in SQL.
 *
 * <p>Tables are the schema's top-level tables: plain tables, partitioned tables and the parents of
 * inheritance trees. Partitions and inheritance children are not tables of their own here (a statement on
 * the parent reaches their rows); they are listed in {@link #members()} with the table they belong to, so the
 * validator can tell a map that names one what to name instead. Foreign keys declared on a partition or a
 * child count as their top-level table's, and PostgreSQL's per-partition copies of a parent's foreign key are
 * counted once.
 */
public record Catalogue(String schema, Map<String, Map<String, Column>> tables, Map<String, Relation> relations,
        Map<String, String> members, List<ForeignKey> foreignKeys) {

    /**
     * sqlType is the store's own spelling (PostgreSQL: format_type, safe to use in a CAST; MySQL: COLUMN_TYPE).
     * labels are an enum column's values in their order, empty for every other column.
     */
    public record Column(String name, String sqlType, boolean nullable, boolean text, boolean temporal,
            List<String> labels) {

        public Column {
            labels = List.copyOf(labels);
        }

        public Column(String name, String sqlType, boolean nullable, boolean text, boolean temporal) {
            this(name, sqlType, nullable, text, temporal, List.of());
        }
    }

    /** How a top-level table is built. */
    public enum Kind {
        PLAIN, PARTITIONED, INHERITANCE_PARENT
    }

    /** A top-level table: its kind and primary key columns (empty when it has none). */
    public record Relation(String name, Kind kind, List<String> primaryKey) {
    }

    /**
     * A foreign key inside the schema: table(columns) references referencedTable(referencedColumns), column for
     * column in key order; onDelete is PostgreSQL's confdeltype: a (no action), r (restrict), c (cascade), n (set
     * null), d (set default).
     */
    public record ForeignKey(String table, List<String> columns, String referencedTable, char onDelete,
            List<String> referencedColumns) {

        /** Whether deleting a referenced row changes the referencing rows (instead of failing). */
        public boolean changesReferencingRows() {
            return onDelete == 'c' || onDelete == 'n' || onDelete == 'd';
        }
    }

    /**
     * Himoya's ledger table in an app's store (uz.himoya.store.Ledger): Himoya's own, never a table of the
     * app, so the catalogue leaves it out and no map can name it.
     */
    public static final String HIMOYA_LEDGER = "himoya_ledger";

    /** This one catalogue for each of the stores named (tests and benchmarks of a single schema). */
    public Map<String, Catalogue> forEveryStore(List<String> stores) {
        Map<String, Catalogue> all = new java.util.LinkedHashMap<>();
        stores.forEach(s -> all.put(s, this));
        return all;
    }

    public Optional<Column> column(String table, String column) {
        return Optional.ofNullable(tables.get(table)).map(t -> t.get(column));
    }

    /**
     * How rows of a top-level table are told apart in set-based statements (see {@link RowIdentity}): its
     * primary key where that is unique across the rows a statement reaches, else (tableoid, ctid).
     */
    public RowIdentity identity(String table) {
        Relation r = relations.get(table);
        if (r == null) {
            throw new IllegalArgumentException("not a table of schema " + schema);
        }
        if (r.kind() == Kind.INHERITANCE_PARENT || r.primaryKey().isEmpty()) {
            return RowIdentity.physical();
        }
        return RowIdentity.key(r.primaryKey().stream().map(uz.himoya.db.Identifiers::postgres).toList(),
                r.primaryKey().stream().map(c -> column(table, c).orElseThrow().sqlType()).toList());
    }

    /**
     * Every table of the schema with its top-level table: the top-level tables themselves, and the
     * partitions and inheritance children below them, at any depth and in any schema.
     */
    private static final String TREE = """
            WITH RECURSIVE tree(oid, root) AS (
                SELECT c.oid, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND c.relname <> 'himoya_ledger'
                   AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
                UNION
                SELECT i.inhrelid, tree.root FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)
            """;

    public static Catalogue load(Connection c, String schema) throws SQLException {
        Map<String, Map<String, Column>> tables = new HashMap<>();
        String columns = """
                SELECT cl.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                       t.typcategory = 'S', t.typcategory = 'D',
                       ARRAY(SELECT e.enumlabel::text FROM pg_enum e
                              WHERE e.enumtypid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                              ORDER BY e.enumsortorder)
                  FROM pg_attribute a
                  JOIN pg_class cl ON cl.oid = a.attrelid
                  JOIN pg_type t ON t.oid = a.atttypid
                 WHERE cl.oid IN (SELECT root FROM tree) AND a.attnum > 0 AND NOT a.attisdropped
                """;
        try (PreparedStatement ps = c.prepareStatement(TREE + columns)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                            new Column(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
                                    rs.getBoolean(6), List.of((String[]) rs.getArray(7).getArray())));
                }
            }
        }
        Map<String, Relation> relations = new HashMap<>();
        String roots = """
                SELECT cl.relname, cl.relkind = 'p',
                       EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = cl.oid),
                       ARRAY(SELECT a.attname FROM pg_index x
                               CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
                              WHERE x.indrelid = cl.oid AND x.indisprimary ORDER BY k.ord)
                  FROM pg_class cl WHERE cl.oid IN (SELECT root FROM tree)
                """;
        try (PreparedStatement ps = c.prepareStatement(TREE + roots)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Kind kind = rs.getBoolean(2) ? Kind.PARTITIONED : rs.getBoolean(3) ? Kind.INHERITANCE_PARENT
                            : Kind.PLAIN;
                    relations.put(rs.getString(1), new Relation(rs.getString(1), kind,
                            List.of((String[]) rs.getArray(4).getArray())));
                }
            }
        }
        Map<String, String> members = new HashMap<>();
        String below = """
                SELECT m.relname, r.relname FROM tree
                  JOIN pg_class m ON m.oid = tree.oid JOIN pg_namespace n ON n.oid = m.relnamespace
                  JOIN pg_class r ON r.oid = tree.root
                 WHERE tree.oid <> tree.root AND n.nspname = ?
                """;
        try (PreparedStatement ps = c.prepareStatement(TREE + below)) {
            ps.setString(1, schema);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        }
        // conparentid <> 0 marks PostgreSQL's own copies of a partitioned table's foreign key on each partition
        // (and on each partition of a referenced partitioned table); the original stands for all of them.
        String foreignKeys = """
                SELECT DISTINCT src.relname, dst.relname,
                       ARRAY(SELECT a.attname FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
                              ORDER BY k.ord),
                       co.confdeltype,
                       ARRAY(SELECT a.attname FROM unnest(co.confkey) WITH ORDINALITY k(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum
                              ORDER BY k.ord)
                  FROM pg_constraint co
                  JOIN tree s ON s.oid = co.conrelid JOIN pg_class src ON src.oid = s.root
                  JOIN tree d ON d.oid = co.confrelid JOIN pg_class dst ON dst.oid = d.root
                 WHERE co.contype = 'f' AND co.conparentid = 0
                """;
        LinkedHashSet<ForeignKey> fks = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(TREE + foreignKeys)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fks.add(new ForeignKey(rs.getString(1), List.of((String[]) rs.getArray(3).getArray()),
                            rs.getString(2), rs.getString(4).charAt(0), List.of((String[]) rs.getArray(5).getArray())));
                }
            }
        }
        return new Catalogue(schema, Map.copyOf(tables), Map.copyOf(relations), Map.copyOf(members),
                List.copyOf(new ArrayList<>(fks)));
    }
}
