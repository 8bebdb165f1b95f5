package uz.himoya.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import uz.himoya.erasure.ErasureExecutor;
import uz.himoya.erasure.ErasurePlan;
import uz.himoya.erasure.ErasurePlanner;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.StoreDialect;
import uz.himoya.store.port.StoreEraser;
import uz.himoya.store.port.SubjectFinder;

/** An app store that is a schema of a PostgreSQL database. */
public final class PostgresStoreDialect implements StoreDialect {

    @Override
    public Catalogue catalogue(Connection c, String schema) throws SQLException {
        return Catalogue.load(c, schema);
    }

    @Override
    public StoreEraser eraser(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        return new Eraser(ErasurePlanner.plan(map, store, catalogue, pseudonymKey));
    }

    @Override
    public SubjectFinder subjects(PrivacyMap map, Catalogue catalogue) {
        return new PostgresSubjects(map, catalogue);
    }

    /** One guarded statement per table (uz.himoya.db.RowGuard), in the plan's order. */
    record Eraser(ErasurePlan plan) implements StoreEraser {
        @Override
        public List<String> tables() {
            return plan.steps().stream().map(ErasurePlan.Step::table).toList();
        }

        @Override
        public List<TableOutcome> erase(Connection c, String subjectKey) throws SQLException {
            return ErasureExecutor.execute(c, plan, subjectKey);
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
