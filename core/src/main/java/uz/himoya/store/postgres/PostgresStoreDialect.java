package uz.himoya.store.postgres;

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

/** An app store that is a schema of a PostgreSQL database. */
public final class PostgresStoreDialect implements StoreDialect {

    @Override
    public Catalogue catalogue(Connection c, String schema) throws SQLException {
        return Catalogue.load(c, schema);
    }

    @Override
    public StoreEraser eraser(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return new Eraser(PostgresErasurePlanner.plan(map, store, catalogue, pseudonymKey));
    }

    @Override
    public SubjectFinder subjects(PrivacyMap map, Catalogue catalogue) {
        return new PostgresSubjects(map, catalogue);
    }

    @Override
    public List<? extends SweepRule> sweep(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return PostgresRetention.plan(map, store, catalogue, pseudonymKey);
    }

    @Override
    public boolean indexed(Connection c, String schema, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                 WHERE n.nspname = ? AND t.relname = ? AND a.attname = ? LIMIT 1""")) {
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
        return new PostgresAffectedSubjects(map, catalogue);
    }

    @Override
    public SubjectRows rows(PrivacyMap map, String store, Catalogue catalogue) {
        return new PostgresSubjectRows(map, store, catalogue);
    }

    /** One guarded statement per table (uz.himoya.db.RowGuard), in the plan's order. */
    record Eraser(PostgresErasurePlan plan) implements StoreEraser {
        @Override
        public List<String> tables() {
            return plan.steps().stream().map(PostgresErasurePlan.Step::table).toList();
        }

        @Override
        public List<TableOutcome> erase(Connection c, String subjectKey) throws SQLException {
            return PostgresErasureExecutor.execute(c, plan, subjectKey);
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
