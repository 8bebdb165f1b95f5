package uz.himoya.store.mysql;

import static uz.himoya.store.mysql.MysqlDialect.column;
import static uz.himoya.store.mysql.MysqlDialect.qualified;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SubjectFinder;

/**
 * Finds the data subject in the app's own table in a MySQL 8 / MariaDB store, by key or by registered
 * e-mail, as {@link uz.himoya.store.postgres.PostgresSubjects} does in PostgreSQL.
 *
 * <p>The e-mail matches case-insensitively and otherwise exactly, as PostgreSQL's
 * {@code lower(email) = lower(?)} does: both sides lower-cased in utf8mb4 and compared as bytes. A plain
 * {@code =} would follow the column's collation instead, which in the usual *_ai_ci collations also equates
 * accents and ignores trailing spaces ('josé@' = 'jose@ '), and in a *_bin or *_cs collation no case at all.
 * Like PostgreSQL's, that comparison reads the whole table (no index serves it); a subject lookup is rare.
 */
public final class MysqlSubjects implements SubjectFinder {
    private final String select;
    private final String keyColumn;
    private final String emailColumn;
    private final MysqlKey keyKind;
    /** Leaves out the subject table's tombstone, a row that is nobody (PrivacyMap.subjectTombstone). */
    private final String notTombstone;
    private final Optional<String> tombstone;
    private final MysqlKey tombstoneKind;

    public MysqlSubjects(PrivacyMap map, Catalogue catalogue) {
        PrivacyMap.Subject s = map.subject();
        this.keyKind = MysqlKey.require(catalogue.column(s.table(), s.key()).orElseThrow(), "subject.key");
        this.keyColumn = column("t", s.key());
        this.emailColumn = column("t", s.email());
        this.select = "SELECT CAST(" + keyColumn + " AS CHAR), CAST(" + emailColumn + " AS CHAR), "
                + s.locale().map(l -> "CAST(" + column("t", l) + " AS CHAR)").orElse("NULL") + " FROM "
                + qualified(catalogue.schema(), s.table()) + " AS t WHERE ";
        this.tombstone = map.subjectTombstone().map(PrivacyMap.Tombstone::key);
        this.notTombstone = map.subjectTombstone().map(t -> " AND " + column("t", t.keyColumn()) + " <> ?")
                .orElse("");
        this.tombstoneKind = map.subjectTombstone().map(t -> MysqlKey.require(catalogue.column(s.table(),
                t.keyColumn()).orElseThrow(), "tombstone key")).orElse(MysqlKey.TEXT);
    }

    @Override
    public Optional<SubjectFinder.Subject> find(Connection c, Optional<String> id, Optional<String> email)
            throws SQLException {
        if (id.isPresent()) {
            if (!keyKind.fits(id.get())) {
                return Optional.empty(); // MySQL would compare '12abc' with a number as 12
            }
            Optional<SubjectFinder.Subject> found = query(c, select + keyColumn + " = ?", id.get(), true);
            return found.filter(f -> email.isEmpty() || (f.email() != null && f.email().equalsIgnoreCase(email.get())));
        }
        if (email.isPresent()) {
            return query(c, select + "CAST(LOWER(CONVERT(" + emailColumn + " USING utf8mb4)) AS BINARY)"
                    + " = CAST(LOWER(CONVERT(? USING utf8mb4)) AS BINARY)", email.get(), false);
        }
        return Optional.empty();
    }

    private Optional<SubjectFinder.Subject> query(Connection c, String sql, String value, boolean byKey)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql + notTombstone + " LIMIT 2")) {
            if (byKey) {
                keyKind.bind(ps, 1, value);
            } else {
                ps.setString(1, value);
            }
            if (tombstone.isPresent()) {
                tombstoneKind.bind(ps, 2, tombstone.get());
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SubjectFinder.Subject s = new SubjectFinder.Subject(rs.getString(1), rs.getString(2),
                        Optional.ofNullable(rs.getString(3)));
                return rs.next() ? Optional.empty() : Optional.of(s);
            }
        }
    }
}
