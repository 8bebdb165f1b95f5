package uz.himoya.breach;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.testing.DemoMap;
import uz.himoya.testing.DemoStore;

/** Breach resolution from an app store on a PostgreSQL server of its own, into Himoya's database. */
class BreachResolutionFromPostgresTest extends BreachResolutionContract {

    @Override
    protected Connection loadStore() throws SQLException {
        DemoStore.loadDemo();
        exec(DemoMap.ORDER_EVENTS_POSTGRES);
        return DemoStore.dataSource().getConnection();
    }

    @Override
    protected Catalogue catalogue(Connection store) throws SQLException {
        return Catalogue.load(store, "demo_app");
    }

    @Override
    protected PrivacyMap parsedMap() {
        return DemoMap.withOrderEvents(DemoMap.parsed("demo_app", PrivacyMap.StoreKind.POSTGRESQL));
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
    protected void addUsers(long first, int n) throws SQLException {
        exec("INSERT INTO demo_app.users (id, full_name, email, locale) SELECT g, 'User ' || g, 'u' || g"
                + " || '@bulk.example', (ARRAY['uz', 'ru', 'ky', 'en', 'uz-Cyrl'])[1 + g % 5] FROM generate_series("
                + first + ", " + (first + n - 1) + ") g");
    }

    @Override
    protected String updateEmail(long id, String email) {
        return "UPDATE demo_app.users SET email = '" + email + "' WHERE id = " + id;
    }
}
