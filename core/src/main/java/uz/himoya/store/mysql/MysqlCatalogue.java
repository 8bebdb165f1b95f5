package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uz.himoya.catalogue.Catalogue;

/**
 * What a MySQL 8 / MariaDB 10.6+ server says exists in an app's database, read from information_schema
 * only, as a {@link Catalogue} (its schema is the database): the only source of identifiers Himoya puts in
 * SQL for such an app.
 *
 * <ul>
 * <li>Tables are the database's base tables, all {@link Catalogue.Kind#PLAIN}: MySQL keeps the partitions of
 * a partitioned table inside the one table (a statement on it reaches them all), and has no inheritance.
 * Views, MariaDB sequences and system-versioned tables are not base tables and are not listed, so a map
 * naming one fails validation (a DELETE on a system-versioned table keeps the row in its history).</li>
 * <li>Each column's sqlType is COLUMN_TYPE, MySQL's own spelling (e.g. {@code varchar(64)}, {@code bigint(20)
 * unsigned}); text means a char, varchar or text kind, temporal a date, datetime or timestamp.</li>
 * <li>Primary keys are in key order; foreign keys are those between tables of the database, with the
 * columns they reference (KEY_COLUMN_USAGE pairs each column with its referenced column, in key order) and
 * their DELETE_RULE as {@link Catalogue.ForeignKey#onDelete()}.</li>
 * <li>members is empty.</li>
 * </ul>
 *
 * <p>Names are returned exactly as information_schema spells them. Where the server lower-cases table
 * names (lower_case_table_names 1, the default on Windows, or 2 on macOS), that is lower case, and a map
 * must name them so. information_schema compares names under a case-insensitive collation on some servers,
 * so every name read is also matched exactly here: databases or tables that differ only in case are never
 * mixed up.
 */
public final class MysqlCatalogue {
    private static final Set<String> TEXT = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext");
    private static final Set<String> TEMPORAL = Set.of("date", "datetime", "timestamp");

    private MysqlCatalogue() {
    }

    public static Catalogue load(Connection c, String database) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (database.equals(rs.getString(1))) {
                        names.add(rs.getString(2));
                    }
                }
            }
        }
        Map<String, Map<String, Catalogue.Column>> tables = new LinkedHashMap<>();
        names.forEach(n -> tables.put(n, new LinkedHashMap<>()));
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE,"
                + " IS_NULLABLE, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                + " ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Catalogue.Column> columns = tables.get(rs.getString(2));
                    if (columns == null || !database.equals(rs.getString(1))) {
                        continue; // a view's column, or another database's
                    }
                    String dataType = rs.getString(6).toLowerCase(java.util.Locale.ROOT);
                    String name = rs.getString(3);
                    columns.put(name, new Catalogue.Column(name, rs.getString(4), "YES".equals(rs.getString(5)),
                            TEXT.contains(dataType), TEMPORAL.contains(dataType),
                            dataType.equals("enum") ? enumLabels(rs.getString(4)) : List.of()));
                }
            }
        }
        Map<String, List<String>> primaryKeys = new LinkedHashMap<>();
        // MySQL names every primary key PRIMARY, and no other index may take that name.
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME"
                + " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY'"
                + " ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (database.equals(rs.getString(1)) && tables.containsKey(rs.getString(2))) {
                        primaryKeys.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
        }
        Map<String, Catalogue.Relation> relations = new LinkedHashMap<>();
        for (String n : names) {
            relations.put(n, new Catalogue.Relation(n, Catalogue.Kind.PLAIN,
                    List.copyOf(primaryKeys.getOrDefault(n, List.of()))));
        }
        return new Catalogue(database, copy(tables), Map.copyOf(relations), Map.of(),
                foreignKeys(c, database, tables.keySet()));
    }

    /** A foreign key's identity inside its database: MySQL scopes constraint names to their table's database. */
    private record Constraint(String table, String name) {
    }

    private static List<Catalogue.ForeignKey> foreignKeys(Connection c, String database, Set<String> tables)
            throws SQLException {
        Map<Constraint, Character> rules = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME,"
                + " DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (database.equals(rs.getString(1))) {
                        rules.put(new Constraint(rs.getString(2), rs.getString(3)), onDelete(rs.getString(4)));
                    }
                }
            }
        }
        Map<Constraint, List<String>> columns = new LinkedHashMap<>();
        Map<Constraint, List<String>> referencedColumns = new LinkedHashMap<>();
        Map<Constraint, String> referenced = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME,"
                + " REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
                + " FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Constraint k = new Constraint(rs.getString(2), rs.getString(3));
                    // Only keys between tables of this database: a reference into another database is not a
                    // table Himoya could erase from in this app's statements.
                    if (!database.equals(rs.getString(1)) || !database.equals(rs.getString(5))
                            || !tables.contains(k.table()) || !tables.contains(rs.getString(6))
                            || !rules.containsKey(k)) {
                        continue;
                    }
                    columns.computeIfAbsent(k, x -> new ArrayList<>()).add(rs.getString(4));
                    referencedColumns.computeIfAbsent(k, x -> new ArrayList<>()).add(rs.getString(7));
                    referenced.put(k, rs.getString(6));
                }
            }
        }
        List<Catalogue.ForeignKey> out = new ArrayList<>();
        for (Map.Entry<Constraint, List<String>> e : columns.entrySet()) {
            out.add(new Catalogue.ForeignKey(e.getKey().table(), List.copyOf(e.getValue()), referenced.get(e.getKey()),
                    rules.get(e.getKey()), List.copyOf(referencedColumns.get(e.getKey()))));
        }
        return List.copyOf(out);
    }

    /**
     * The values of an ENUM column from its COLUMN_TYPE, {@code enum('open','it''s','x\\y')}, as
     * information_schema writes them (as SHOW CREATE TABLE does): each quoted, a quote inside doubled, a
     * backslash and control characters escaped with a backslash. Empty if it cannot be read: the column then
     * cannot be compared by a retention condition, and the map that tries is refused, naming it.
     */
    static List<String> enumLabels(String columnType) {
        if (!columnType.regionMatches(true, 0, "enum(", 0, 5) || !columnType.endsWith(")")) {
            return List.of();
        }
        List<String> labels = new ArrayList<>();
        int i = 5;
        int end = columnType.length() - 1;
        while (i < end) {
            if (columnType.charAt(i) != '\'') {
                return List.of();
            }
            StringBuilder label = new StringBuilder();
            i++;
            while (true) {
                if (i >= end) {
                    return List.of();
                }
                char ch = columnType.charAt(i);
                if (ch == '\'') {
                    if (i + 1 < end && columnType.charAt(i + 1) == '\'') {
                        label.append('\'');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (ch == '\\' && i + 1 < end) {
                    char next = columnType.charAt(i + 1);
                    label.append(switch (next) {
                        case '0' -> '\0';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'b' -> '\b';
                        case 'Z' -> (char) 26;
                        default -> next;
                    });
                    i += 2;
                    continue;
                }
                label.append(ch);
                i++;
            }
            labels.add(label.toString());
            if (i < end && columnType.charAt(i) == ',') {
                i++;
            }
        }
        return List.copyOf(labels);
    }

    /** DELETE_RULE as PostgreSQL's confdeltype letter, which {@link Catalogue.ForeignKey} speaks. */
    static char onDelete(String rule) {
        return switch (rule) {
            case "CASCADE" -> 'c';
            case "SET NULL" -> 'n';
            case "SET DEFAULT" -> 'd';
            case "RESTRICT" -> 'r';
            case "NO ACTION" -> 'a';
            default -> throw new IllegalStateException("unknown foreign key delete rule " + rule);
        };
    }

    private static Map<String, Map<String, Catalogue.Column>> copy(Map<String, Map<String, Catalogue.Column>> tables) {
        Map<String, Map<String, Catalogue.Column>> out = new LinkedHashMap<>();
        tables.forEach((k, v) -> out.put(k, Map.copyOf(v)));
        return Map.copyOf(out);
    }
}
