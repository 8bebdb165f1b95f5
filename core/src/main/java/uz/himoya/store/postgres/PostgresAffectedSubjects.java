package uz.himoya.store.postgres;

import static uz.himoya.store.postgres.PostgresDialect.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.store.port.ReadSnapshot;

/**
 * {@link AffectedSubjects} for an app store on PostgreSQL. A page is one statement:
 *
 * <pre>
 * SELECT s.key, s.key::text, s.email::text, s.locale::text FROM schema.subjects s
 *  WHERE s.email IS NOT NULL [AND selection] [AND s.key &gt; ?] ORDER BY s.key LIMIT ?
 * </pre>
 *
 * The cursor is the last row's key as the driver returned it, bound back as the same type, so the
 * comparison and the order are the column's own (its collation for text) and the primary key's index serves
 * both. A breach selector is an EXISTS over the table's rows inside the window, joined up its belongsTo
 * chain to the row naming the subject: with the indexes a foreign key usually has, a probe per subject.
 *
 * <p>Keys as text are exactly PostgreSQL's {@code key::text}, which the notices' subject hashes were always
 * computed over.
 */
public final class PostgresAffectedSubjects implements AffectedSubjects {
    private static final Pattern CANONICAL_INTEGER = Pattern.compile("0|-?[1-9]\\d{0,18}");
    /** Key types whose order is their values' alone (no collation). */
    private static final Set<String> ORDERED_WITHOUT_COLLATION = Set.of("bigint", "integer", "smallint", "uuid");

    private final PrivacyMap map;
    private final Catalogue catalogue;
    private final String key;
    private final String keyType;
    private final String from;
    private final String select;
    private final String locale;

    /** For a validated map and the catalogue of the store holding its subject table. */
    public PostgresAffectedSubjects(PrivacyMap map, Catalogue catalogue) {
        PrivacyMap.Subject s = map.subject();
        this.map = map;
        this.catalogue = catalogue;
        this.key = "s." + quote(s.key());
        this.keyType = catalogue.column(s.table(), s.key()).orElseThrow().sqlType();
        // A NULL key names nobody, and could not be a keyset's cursor.
        this.from = " FROM " + quote(map.subjectStore().schema()) + "." + quote(s.table()) + " s WHERE s."
                + quote(s.email()) + " IS NOT NULL AND " + key + " IS NOT NULL";
        this.locale = s.locale().map(l -> "s." + quote(l) + "::text").orElse("NULL::text");
        this.select = "SELECT " + key + ", " + key + "::text, s." + quote(s.email()) + "::text, " + locale + from;
    }

    @Override
    public Pages open(Connection store, Selection selection, int pageSize) throws SQLException {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1");
        }
        Filter f = filter(store, selection);
        String order = " ORDER BY " + key + " LIMIT ?";
        String first = select + f.sql() + order;
        String next = select + f.after() + " AND " + key + " > ?" + order;
        return new KeysetPages(store, f, first, next, pageSize);
    }

    @Override
    public List<LocaleCount> countByLocale(Connection store, Selection selection) throws SQLException {
        Filter f = filter(store, selection);
        List<LocaleCount> out = new ArrayList<>();
        try (PreparedStatement ps = store.prepareStatement("SELECT " + locale + ", count(*)" + from + f.sql()
                + " GROUP BY 1")) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LocaleCount(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    /**
     * The selection's condition on the subject row s, and its bound values. after is the condition for the
     * pages after the first: the same, or (innerCursor) with the cursor once more, as its last placeholder.
     */
    private record Filter(String sql, String after, boolean innerCursor, List<Object> params) {
        Filter(String sql, List<Object> params) {
            this(sql, sql, false, params);
        }

        /** The same, and not the row whose key as text is key: it goes first, so a cursor stays last. */
        Filter excluding(String keyText, String key) {
            String not = " AND " + keyText + " <> ?";
            List<Object> all = new ArrayList<>();
            all.add(key);
            all.addAll(params);
            return new Filter(not + sql, not + after, innerCursor, List.copyOf(all));
        }

        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            return i;
        }
    }

    private Filter filter(Connection c, Selection selection) throws SQLException {
        Filter f = switch (selection) {
            case Everyone e -> new Filter("", List.of());
            case Keys k -> keys(c, k.keys());
            case Touched t -> touched(t);
        };
        // The subject table's tombstone (docs/privacy-map.md, "Kept rows with a NOT NULL reference") is nobody: no notice, not counted.
        return map.subjectTombstone().map(t -> f.excluding(key + "::text", t.key())).orElse(f);
    }

    /**
     * Keys as text match {@code key::text} exactly, as they always did. Where the column's type makes that
     * text canonical (integers, uuid), or the column is text, the keys are bound in the column's own type
     * instead, so the primary key's index finds them; a key that could never be such a text is dropped
     * (it names nobody).
     */
    private Filter keys(Connection c, List<String> keys) throws SQLException {
        switch (keyType) {
            case "bigint", "integer", "smallint" -> {
                List<Long> ints = new ArrayList<>();
                for (String k : keys) {
                    if (CANONICAL_INTEGER.matcher(k).matches()) {
                        try {
                            ints.add(Long.parseLong(k));
                        } catch (NumberFormatException e) {
                            // beyond bigint: no row has it
                        }
                    }
                }
                return new Filter(" AND " + key + " = ANY(?)", List.of(c.createArrayOf("int8", ints.toArray())));
            }
            case "uuid" -> {
                List<UUID> uuids = new ArrayList<>();
                for (String k : keys) {
                    try {
                        UUID u = UUID.fromString(k);
                        if (u.toString().equals(k)) { // uuid::text is lower-case, hyphenated
                            uuids.add(u);
                        }
                    } catch (IllegalArgumentException e) {
                        // not a uuid: no row has it
                    }
                }
                return new Filter(" AND " + key + " = ANY(?)", List.of(c.createArrayOf("uuid", uuids.toArray())));
            }
            default -> {
                if (keyType.equals("text") || keyType.startsWith("character varying")) {
                    return new Filter(" AND " + key + " = ANY(?)", List.of(c.createArrayOf("text", keys.toArray())));
                }
                return new Filter(" AND " + key + "::text = ANY(?)", List.of(c.createArrayOf("text", keys.toArray())));
            }
        }
    }

    /**
     * EXISTS (SELECT 1 FROM t [JOIN parent p1 ON p1.parentKey = t.column ...] WHERE top.column = s.key AND
     * t.timestamp &gt;= ? AND t.timestamp &lt; ?). The window is bound as a timestamp, as breach resolution
     * always bound it. The top table's column and the subject key are compared in their own type where they
     * share it (the index's way), else as text.
     */
    private Filter touched(Touched t) {
        PrivacyMap.Table table = map.table(t.table()).orElseThrow(() -> new IllegalArgumentException(
                "not a mapped table"));
        catalogue.column(table.name(), t.timestamp()).filter(Catalogue.Column::temporal).orElseThrow(
                () -> new IllegalArgumentException("not a temporal column of the table"));
        String schema = quote(map.store(table.store()).schema());
        StringBuilder sql = new StringBuilder(" AND EXISTS (SELECT 1 FROM " + schema + "." + quote(table.name())
                + " t");
        String alias = "t";
        PrivacyMap.Table child = table;
        int depth = 0;
        while (child.parent().isPresent()) {
            PrivacyMap.Table parent = map.table(child.parent().get()).orElseThrow();
            String p = "p" + (++depth);
            sql.append(" JOIN ").append(schema).append(".").append(quote(parent.name())).append(" ").append(p)
                    .append(" ON ").append(p).append(".").append(quote(child.parentKey())).append(" = ").append(alias)
                    .append(".").append(quote(child.column()));
            alias = p;
            child = parent;
        }
        String top = alias + "." + quote(child.column());
        String topType = catalogue.column(child.name(), child.column()).orElseThrow().sqlType();
        boolean sameType = topType.equals(keyType);
        sql.append(" WHERE ").append(sameType ? top + " = " + key : top + "::text = " + key + "::text")
                .append(" AND t.").append(quote(t.timestamp())).append(" >= ? AND t.").append(quote(t.timestamp()))
                .append(" < ?");
        List<Object> params = List.of(Timestamp.from(t.from()), Timestamp.from(t.to()));
        if (sameType && ORDERED_WITHOUT_COLLATION.contains(keyType)) {
            // The keyset's cursor inside too (top = s.key and s.key > cursor, so top > cursor): PostgreSQL does
            // not carry an inequality across a join, and without it a merge semi-join would scan the table's
            // index from its start on every page, which makes n pages cost n * n / 2. Only for types without
            // a collation, whose order is the same on both columns.
            return new Filter(sql + ")", sql + " AND " + top + " > ?)", true, params);
        }
        return new Filter(sql + ")", params);
    }

    /** Pages by key; one snapshot for all of them. */
    private static final class KeysetPages implements Pages {
        private final Connection c;
        private final ReadSnapshot snapshot;
        private final Filter filter;
        private final String first;
        private final String next;
        private final int pageSize;
        private Object after;
        private boolean done;

        KeysetPages(Connection c, Filter filter, String first, String next, int pageSize) throws SQLException {
            this.c = c;
            this.snapshot = new ReadSnapshot(c);
            this.filter = filter;
            this.first = first;
            this.next = next;
            this.pageSize = pageSize;
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
                        ps.setObject(i++, after);
                    }
                    ps.setObject(i++, after);
                }
                ps.setInt(i, pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    Object last = null;
                    while (rs.next()) {
                        last = rs.getObject(1);
                        page.add(new Subject(rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                    after = last;
                }
            }
            // A short page is the last one: no need to ask again for nothing.
            done = page.size() < pageSize;
            return page;
        }

        @Override
        public void close() throws SQLException {
            snapshot.close();
        }
    }
}
