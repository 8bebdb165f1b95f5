package uz.himoya.store.postgres;

import static uz.himoya.store.postgres.PostgresDialect.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SubjectFinder;

/** Finds the data subject in a PostgreSQL store, by key or by registered e-mail (case-insensitive). */
public final class PostgresSubjects implements SubjectFinder {
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String select;
    private final String keyColumn;
    private final String emailColumn;
    private final String keyType;
    /** Leaves out the subject table's tombstone, a row that is nobody (PrivacyMap.subjectTombstone). */
    private final String notTombstone;
    private final Optional<String> tombstone;

    public PostgresSubjects(PrivacyMap map, Catalogue catalogue) {
        PrivacyMap.Subject s = map.subject();
        this.keyType = catalogue.column(s.table(), s.key()).orElseThrow().sqlType();
        this.keyColumn = quote(s.key());
        this.emailColumn = quote(s.email());
        this.select = "SELECT " + quote(s.key()) + "::text, " + quote(s.email()) + "::text, "
                + s.locale().map(l -> quote(l) + "::text").orElse("NULL") + " FROM "
                + quote(map.subjectStore().schema()) + "." + quote(s.table()) + " WHERE ";
        this.tombstone = map.subjectTombstone().map(PrivacyMap.Tombstone::key);
        this.notTombstone = map.subjectTombstone().map(t -> " AND " + quote(t.keyColumn()) + " <> CAST(? AS "
                + t.keyType() + ")").orElse("");
    }

    @Override
    public Optional<Subject> find(Connection c, Optional<String> id, Optional<String> email) throws SQLException {
        if (id.isPresent()) {
            if (!keyFits(id.get())) {
                return Optional.empty();
            }
            Optional<Subject> found = query(c, select + keyColumn + " = CAST(? AS " + keyType + ")", id.get());
            return found.filter(f -> email.isEmpty() || (f.email() != null && f.email().equalsIgnoreCase(email.get())));
        }
        if (email.isPresent()) {
            return query(c, select + "lower(" + emailColumn + ") = lower(?)", email.get());
        }
        return Optional.empty();
    }

    private boolean keyFits(String id) {
        if (keyType.equals("bigint") || keyType.equals("integer") || keyType.equals("smallint")) {
            return INTEGER.matcher(id).matches();
        }
        if (keyType.equals("uuid")) {
            return UUID.matcher(id).matches();
        }
        return true;
    }

    private Optional<Subject> query(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql + notTombstone + " LIMIT 2")) {
            ps.setString(1, value);
            if (tombstone.isPresent()) {
                ps.setString(2, tombstone.get());
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Subject s = new Subject(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)));
                return rs.next() ? Optional.empty() : Optional.of(s);
            }
        }
    }
}
