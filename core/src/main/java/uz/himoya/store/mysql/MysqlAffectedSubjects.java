package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.store.port.ReadSnapshot;

/**
 * {@link AffectedSubjects} for an app store on MySQL 8 / MariaDB 10.6+. A page is one statement:
 *
 * <pre>
 * SELECT CAST(s.`key` AS CHAR), CAST(s.`email` AS CHAR), CAST(s.`locale` AS CHAR) FROM `db`.`subjects` AS s
 *  WHERE s.`email` IS NOT NULL [AND selection] [AND s.`key` &gt; ?] ORDER BY s.`key` LIMIT ?
 * </pre>
 *
 * The cursor is the last key, bound as its column's kind ({@link MysqlKey}: a number as a number), so
 * MySQL compares and orders it as the column does and the primary key's index serves both. Keys are unique
 * under the column's collation (a primary or unique key), so two keys equal under it cannot both exist.
 *
 * <ul>
 * <li>Explicit keys are checked against the key column's kind first: MySQL would compare '1001abc' with a
 * number column as 1001.</li>
 * <li>A breach selector is an EXISTS over the table's rows inside the window, joined up its belongsTo chain
 * to the row naming the subject. DATETIME and DATE columns are taken to hold UTC, TIMESTAMP columns are
 * compared with FROM_UNIXTIME (right in any session time zone), as the retention sweep does.</li>
 * <li>Locales are counted per exact stored value (as bytes), not per collation group: 'RU' is not 'ru',
 * as on PostgreSQL.</li>
 * </ul>
 */
public final class MysqlAffectedSubjects implements AffectedSubjects {
    private static final Pattern CANONICAL_INTEGER = Pattern.compile("0|-?[1-9]\\d*");
    private final PrivacyMap map;
    private final Catalogue catalogue;
    private final String database;
    private final String key;
    private final MysqlKey keyKind;
    private final String from;
    private final String select;
    private final String localeColumn;

    /** For a validated map and the catalogue of the database holding its subject table. */
    public MysqlAffectedSubjects(PrivacyMap map, Catalogue catalogue) {
        PrivacyMap.Subject s = map.subject();
        this.map = map;
        this.catalogue = catalogue;
        this.database = catalogue.schema();
        if (!database.equals(map.subjectStore().schema())) {
            throw new IllegalArgumentException("the subject store's schema is not the catalogue's database");
        }
        this.key = column("s", s.key());
        this.keyKind = MysqlKey.require(catalogue.column(s.table(), s.key()).orElseThrow(), "subject.key");
        // A NULL key names nobody, and could not be a keyset's cursor.
        this.from = " FROM " + qualified(database, s.table()) + " AS s WHERE " + column("s", s.email()) + " IS NOT NULL"
                + " AND " + key + " IS NOT NULL";
        this.localeColumn = s.locale().map(l -> column("s", l)).orElse(null);
        this.select = "SELECT CAST(" + key + " AS CHAR), CAST(" + column("s", s.email()) + " AS CHAR), "
                + (localeColumn == null ? "NULL" : "CAST(" + localeColumn + " AS CHAR)") + from;
    }

    @Override
    public Pages open(Connection store, Selection selection, int pageSize) throws SQLException {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1");
        }
        Filter f = filter(selection);
        String order = " ORDER BY " + key + " LIMIT ?";
        return new KeysetPages(store, f, select + f.sql() + order, select + f.after() + " AND " + key + " > ?" + order,
                pageSize, keyKind);
    }

    @Override
    public List<LocaleCount> countByLocale(Connection store, Selection selection) throws SQLException {
        Filter f = filter(selection);
        if (f.nobody()) {
            return List.of();
        }
        // Grouped by the value's bytes in utf8mb4: a *_ci collation would merge 'RU' into 'ru'.
        String locale = localeColumn == null ? "NULL" : "CAST(CONVERT(" + localeColumn + " USING utf8mb4) AS BINARY)";
        List<LocaleCount> out = new ArrayList<>();
        try (PreparedStatement ps = store.prepareStatement("SELECT " + locale + " AS l, count(*)" + from + f.sql()
                + " GROUP BY l")) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] l = rs.getBytes(1);
                    out.add(new LocaleCount(l == null ? null : new String(l, StandardCharsets.UTF_8), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    /** A bound value: a subject key (bound as its column's kind) or a plain value. */
    private record Value(Object value, MysqlKey kind) {
    }

    /**
     * The selection's condition on the subject row s, and its bound values; nobody: it can match no row.
     * after is the condition for the pages after the first: the same, or (innerCursor) with the cursor once
     * more, as its last placeholder.
     */
    private record Filter(String sql, String after, boolean innerCursor, List<Value> params, boolean nobody) {
        Filter(String sql, List<Value> params, boolean nobody) {
            this(sql, sql, false, params, nobody);
        }

        /** The same, and not the row whose key's text is key, compared as bytes; first, so a cursor stays last. */
        Filter excluding(String keyBytes, String key) {
            String not = " AND " + keyBytes + " <> ?";
            List<Value> all = new ArrayList<>();
            all.add(new Value(key.getBytes(StandardCharsets.UTF_8), null));
            all.addAll(params);
            return new Filter(not + sql, not + after, innerCursor, List.copyOf(all), nobody);
        }

        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Value v : params) {
                if (v.kind() != null) {
                    v.kind().bind(ps, i++, (String) v.value());
                } else {
                    ps.setObject(i++, v.value());
                }
            }
            return i;
        }
    }

    private Filter filter(Selection selection) {
        Filter f = switch (selection) {
            case Everyone e -> new Filter("", List.of(), false);
            case Keys k -> keys(k.keys());
            case Touched t -> touched(t);
        };
        // The subject table's tombstone (docs/privacy-map.md, "Kept rows with a NOT NULL reference") is nobody: no notice, not counted.
        return map.subjectTombstone().map(t -> f.excluding(binaryText(key), t.key())).orElse(f);
    }

    /**
     * Keys as text match the key as MySQL renders it ({@code CAST(key AS CHAR)}) exactly, as on PostgreSQL:
     * not '01001' for 1001, nor 'DILNOZA' for a text key 'dilnoza' under a *_ci collation. The keys are
     * bound as the column's kind for the index, and, but for integer keys (whose canonical text the check
     * already ensures), matched once more as bytes.
     */
    private Filter keys(List<String> keys) {
        List<String> fit = new ArrayList<>();
        for (String k : keys) {
            if (keyKind.fits(k) && (keyKind != MysqlKey.INTEGER || CANONICAL_INTEGER.matcher(k).matches())) {
                fit.add(k);
            }
        }
        if (fit.isEmpty()) {
            return new Filter(" AND 1 = 0", List.of(), true);
        }
        String marks = String.join(", ", Collections.nCopies(fit.size(), "?"));
        List<Value> params = new ArrayList<>();
        fit.forEach(k -> params.add(new Value(k, keyKind)));
        String sql = " AND " + key + " IN (" + marks + ")";
        if (keyKind != MysqlKey.INTEGER) {
            sql += " AND " + binaryText(key) + " IN (" + marks + ")";
            fit.forEach(k -> params.add(new Value(k.getBytes(StandardCharsets.UTF_8), null)));
        }
        return new Filter(sql, List.copyOf(params), false);
    }

    private Filter touched(Touched t) {
        PrivacyMap.Table table = map.table(t.table()).orElseThrow(() -> new IllegalArgumentException(
                "not a mapped table"));
        Catalogue.Column ts = catalogue.column(table.name(), t.timestamp()).filter(Catalogue.Column::temporal)
                .orElseThrow(() -> new IllegalArgumentException("not a temporal column of the table"));
        StringBuilder sql = new StringBuilder(" AND EXISTS (SELECT 1 FROM " + qualified(database, table.name())
                + " AS t");
        String alias = "t";
        PrivacyMap.Table child = table;
        int depth = 0;
        while (child.parent().isPresent()) {
            PrivacyMap.Table parent = map.table(child.parent().get()).orElseThrow();
            String p = "p" + (++depth);
            sql.append(" JOIN ").append(qualified(database, parent.name())).append(" AS ").append(p).append(" ON ")
                    .append(column(p, child.parentKey())).append(" = ").append(column(alias, child.column()));
            alias = p;
            child = parent;
        }
        String top = column(alias, child.column());
        MysqlKey topKind = MysqlKey.of(catalogue.column(child.name(), child.column()).orElseThrow()).orElse(null);
        // Same kind: compared as the columns are (the index's way). Else as exact text: MySQL would compare a
        // string with a number as floating point.
        sql.append(" WHERE ").append(topKind == keyKind ? top + " = " + key
                : binaryText(top) + " = " + binaryText(key));
        boolean timestamp = ts.sqlType().toLowerCase(Locale.ROOT).startsWith("timestamp");
        String bound = timestamp ? "FROM_UNIXTIME(?)" : "?";
        sql.append(" AND ").append(column("t", t.timestamp())).append(" >= ").append(bound).append(" AND ")
                .append(column("t", t.timestamp())).append(" < ").append(bound);
        List<Value> params = List.of(time(t.from(), timestamp), time(t.to(), timestamp));
        if (topKind == keyKind && keyKind != MysqlKey.TEXT) {
            // The keyset's cursor inside too (top = s.key and s.key > cursor, so top > cursor), so that a
            // semi-join starts the table's index at the cursor instead of at its start on every page. Not for
            // text keys, whose two columns may order by different collations.
            return new Filter(sql + ")", sql + " AND " + top + " > ?)", true, params, false);
        }
        return new Filter(sql + ")", params, false);
    }

    private static String binaryText(String col) {
        return "CAST(CONVERT(CAST(" + col + " AS CHAR) USING utf8mb4) AS BINARY)";
    }

    private static Value time(Instant i, boolean timestamp) {
        if (timestamp) {
            // Seconds since the epoch with microseconds, TIMESTAMP's finest precision.
            return new Value(BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano() / 1000, 6)),
                    null);
        }
        return new Value(LocalDateTime.ofInstant(i, ZoneOffset.UTC), null);
    }

    /** Pages by key; one snapshot for all of them. */
    private static final class KeysetPages implements Pages {
        private final Connection c;
        private final ReadSnapshot snapshot;
        private final Filter filter;
        private final String first;
        private final String next;
        private final int pageSize;
        private final MysqlKey keyKind;
        private String after;
        private boolean done;

        KeysetPages(Connection c, Filter filter, String first, String next, int pageSize, MysqlKey keyKind)
                throws SQLException {
            this.c = c;
            this.filter = filter;
            this.first = first;
            this.next = next;
            this.pageSize = pageSize;
            this.keyKind = keyKind;
            this.done = filter.nobody();
            this.snapshot = new ReadSnapshot(c);
        }

        @Override
        public List<Subject> next() throws SQLException {
            if (done) {
                return List.of();
            }
            List<Subject> page = new ArrayList<>(Math.min(pageSize, 4096));
            try (PreparedStatement ps = c.prepareStatement(after == null ? first : next)) {
                int i = filter.bind(ps, 1);
                if (after != null) {
                    if (filter.innerCursor()) {
                        keyKind.bind(ps, i++, after);
                    }
                    keyKind.bind(ps, i++, after);
                }
                ps.setInt(i, pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.add(new Subject(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).key();
            }
            done = page.size() < pageSize;
            return page;
        }

        @Override
        public void close() throws SQLException {
            snapshot.close();
        }
    }
}
