package uz.himoya.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SubjectRowsContract;
import uz.himoya.testing.DemoMap;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Rentals;

/**
 * The port's contract on PostgreSQL: the demo app on its own embedded server (DemoStore), the rental shop in
 * schema rentals of another one.
 */
class PostgresSubjectRowsTest extends SubjectRowsContract {
    private DataSource store;

    @Override
    protected AppRegistry.CompiledApp demo() throws SQLException {
        DemoStore.loadDemo();
        store = DemoStore.dataSource();
        return AppRegistry.compile(DemoMap.parsed("demo_app", PrivacyMap.StoreKind.POSTGRESQL),
                s -> store.getConnection(), Rentals.PSEUDONYM_KEY);
    }

    @Override
    protected AppRegistry.CompiledApp rentals() throws SQLException {
        EmbeddedDatabase.run("rentals/schema.sql");
        EmbeddedDatabase.run("rentals/seed.sql");
        store = EmbeddedDatabase.dataSource();
        return AppRegistry.compile(Rentals.parsed(Rentals.yaml()), s -> store.getConnection(), Rentals.PSEUDONYM_KEY);
    }

    @Override
    protected Connection connect() throws SQLException {
        return store.getConnection();
    }

    @Override
    protected String lockTimeoutOfTwoSeconds() {
        return "SET lock_timeout = '2s'";
    }

    @Override
    protected String insertAccessLogs(String schema, int n) {
        return "INSERT INTO " + schema + ".access_logs (user_id, ip, user_agent, page) SELECT 1001, '10.0.0.1',"
                + " 'bench', 'page-' || g FROM generate_series(1, " + n + ") g";
    }
}
