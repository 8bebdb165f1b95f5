package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.StoreDialect;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.store.port.SubjectFinder;

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
