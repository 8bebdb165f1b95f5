package uz.himoya.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.store.port.AffectedSubjectsContract;
import uz.himoya.testing.DemoMap;
import uz.himoya.testing.DemoStore;

/** The port's contract on PostgreSQL: the demo app on an embedded server of its own, not Himoya's. */
class PostgresAffectedSubjectsTest extends AffectedSubjectsContract {

    @Override
    protected Connection loadDemo() throws SQLException {
        DemoStore.loadDemo();
        exec(DemoMap.ORDER_EVENTS_POSTGRES);
        exec("DROP SCHEMA IF EXISTS people_app CASCADE", "CREATE SCHEMA people_app",
                "CREATE TABLE people_app.people (id text PRIMARY KEY, email text)",
                "INSERT INTO people_app.people VALUES " + DemoMap.PEOPLE_ROWS);
        return DemoStore.dataSource().getConnection();
    }

    @Override
    protected AffectedSubjects demo() throws SQLException {
        Catalogue catalogue = Catalogue.load(store, "demo_app");
        PrivacyMap map = CatalogueValidator.validate(DemoMap.withOrderEvents(DemoMap.parsed("demo_app",
                PrivacyMap.StoreKind.POSTGRESQL)), catalogue);
        return new PostgresAffectedSubjects(map, catalogue);
    }

    @Override
    protected AffectedSubjects people() throws SQLException {
        Catalogue catalogue = Catalogue.load(store, "people_app");
        PrivacyMap map = CatalogueValidator.validate(DemoMap.people("people_app", PrivacyMap.StoreKind.POSTGRESQL),
                catalogue);
        return new PostgresAffectedSubjects(map, catalogue);
    }

    @Override
    protected void exec(String... sql) throws SQLException {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Override
    protected String insertUser(long id, String email) {
        return "INSERT INTO demo_app.users (id, full_name, email) VALUES (" + id + ", 'Late User', '" + email + "')";
    }
}
