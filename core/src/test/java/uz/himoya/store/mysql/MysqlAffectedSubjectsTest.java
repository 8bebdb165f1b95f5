package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.AffectedSubjects;
import uz.himoya.store.port.AffectedSubjectsContract;
import uz.himoya.testing.DemoMap;
import uz.himoya.testing.EmbeddedMariaDb;

/** The port's contract on MariaDB 11.4: the demo app's database demo_kg (demo-mariadb/*.sql). */
class MysqlAffectedSubjectsTest extends AffectedSubjectsContract {

    @Override
    protected Connection loadDemo() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        exec(DemoMap.ORDER_EVENTS_MARIADB);
        // A text key under a case-insensitive collation: 'b' equals 'B' there, but not as a key's text.
        exec("DROP DATABASE IF EXISTS people_kg", "CREATE DATABASE people_kg",
                "CREATE TABLE people_kg.people (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, email TEXT)",
                "INSERT INTO people_kg.people VALUES " + DemoMap.PEOPLE_ROWS);
        return EmbeddedMariaDb.connect(EmbeddedMariaDb.DEMO);
    }

    @Override
    protected AffectedSubjects demo() throws SQLException {
        Catalogue catalogue = MysqlCatalogue.load(store, EmbeddedMariaDb.DEMO);
        PrivacyMap map = CatalogueValidator.validate(DemoMap.withOrderEvents(MysqlDemo.parsed()), catalogue);
        return new MysqlAffectedSubjects(map, catalogue);
    }

    @Override
    protected AffectedSubjects people() throws SQLException {
        Catalogue catalogue = MysqlCatalogue.load(store, "people_kg");
        PrivacyMap map = CatalogueValidator.validate(DemoMap.people("people_kg", PrivacyMap.StoreKind.MARIADB),
                catalogue);
        return new MysqlAffectedSubjects(map, catalogue);
    }

    @Override
    protected void exec(String... sql) throws SQLException {
        try (Connection c = EmbeddedMariaDb.connect("")) {
            MysqlDemo.exec(c, sql);
        }
    }

    @Override
    protected String insertUser(long id, String email) {
        return "INSERT INTO demo_kg.users (id, full_name, email) VALUES (" + id + ", 'Late User', '" + email + "')";
    }
}
