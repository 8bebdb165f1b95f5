package uz.himoya.breach;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.mysql.MysqlCatalogue;
import uz.himoya.testing.DemoMap;
import uz.himoya.testing.EmbeddedMariaDb;

/** Breach resolution from an app store on MariaDB 11.4 (database demo_kg), into Himoya's PostgreSQL. */
class BreachResolutionFromMariaDbTest extends BreachResolutionContract {

    @Override
    protected Connection loadStore() throws SQLException {
        EmbeddedMariaDb.loadDemo();
        exec(DemoMap.ORDER_EVENTS_MARIADB);
        return EmbeddedMariaDb.connect(EmbeddedMariaDb.DEMO);
    }

    @Override
    protected Catalogue catalogue(Connection store) throws SQLException {
        return MysqlCatalogue.load(store, EmbeddedMariaDb.DEMO);
    }

    @Override
    protected PrivacyMap parsedMap() {
        PrivacyMap map = DemoMap.parsed(EmbeddedMariaDb.DEMO, PrivacyMap.StoreKind.MARIADB);
        // demo-mariadb has one table more, CustomerNotes (PascalCase), deleted with its customer
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(new PrivacyMap.Table("CustomerNotes", 999, DemoMap.STORE, "CustomerId", Optional.empty(), "id",
                Map.of("NoteText", "content.free-text"), new PrivacyMap.Delete(), Optional.empty()));
        return DemoMap.withOrderEvents(map.withTables(tables));
    }

    @Override
    protected void exec(String... sql) throws SQLException {
        try (Connection c = EmbeddedMariaDb.connect(""); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    @Override
    protected void addUsers(long first, int n) throws SQLException {
        exec("SET SESSION max_recursive_iterations = " + (n + 1), "INSERT INTO demo_kg.users (id, full_name, email, locale) SELECT " + first + " + s.n, CONCAT('User ', s.n),"
                + " CONCAT('u', " + first + " + s.n, '@bulk.example'), ELT(1 + (" + first + " + s.n) % 5, 'uz', 'ru',"
                + " 'ky', 'en', 'uz-Cyrl') FROM (WITH RECURSIVE s (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s"
                + " WHERE n < " + (n - 1) + ") SELECT n FROM s) s");
    }

    @Override
    protected String updateEmail(long id, String email) {
        return "UPDATE demo_kg.users SET email = '" + email + "' WHERE id = " + id;
    }
}
