package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.store.port.StoreDialect;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.store.port.SubjectFinder;
import uz.himoya.store.port.SubjectRows;
import uz.himoya.store.port.SweepRule;

/** An app store that is a MySQL 8 or MariaDB 10.6+ database. */
public final class MysqlStoreDialect implements StoreDialect {

    @Override
    public Catalogue catalogue(Connection c, String schema) throws SQLException {
        return MysqlCatalogue.load(c, schema);
    }

    @Override
    public StoreEraser eraser(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return new Eraser(MysqlErasure.plan(map, store, catalogue, pseudonymKey));
    }

    @Override
    public SubjectFinder subjects(PrivacyMap map, Catalogue catalogue) {
        return new MysqlSubjects(map, catalogue);
    }

    @Override
    public List<? extends SweepRule> sweep(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return MysqlRetention.plan(map, store, catalogue, pseudonymKey);
    }

    @Override
    public boolean indexed(Connection c, String schema, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.STATISTICS WHERE"
                + " TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public AffectedSubjects affected(PrivacyMap map, Catalogue catalogue) {
        return new MysqlAffectedSubjects(map, catalogue);
    }

    @Override
    public SubjectRows rows(PrivacyMap map, String store, Catalogue catalogue) {
        return new MysqlSubjectRows(map, store, catalogue);
    }

    /** Multi-table DELETE/UPDATE with JOINs, each counted first under FOR UPDATE (MysqlRowGuard). */
    record Eraser(MysqlErasure.Plan plan) implements StoreEraser {
        @Override
        public List<String> tables() {
            return plan.steps().stream().map(MysqlErasure.Step::table).toList();
        }

        @Override
        public List<TableOutcome> erase(Connection c, String subjectKey) throws SQLException {
            return MysqlErasure.execute(c, plan, subjectKey);
        }

        @Override
        public List<TableOutcome> outcomes(Map<String, Long> rows) {
            return plan.steps().stream().map(s -> new TableOutcome(s.table(), s.action(),
                    rows.getOrDefault(s.table(), 0L), s.categories(), s.anonymizedColumns(), s.keptBecause(),
                    s.cutLoose()))
                    .toList();
        }
    }
}
