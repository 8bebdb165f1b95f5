package uz.himoya.store;

import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.mysql.MysqlStoreDialect;
import uz.himoya.store.port.StoreDialect;
import uz.himoya.store.postgres.PostgresStoreDialect;

/** The one place that picks a store's dialect by the kind its map names. */
public final class StoreDialects {
    private static final StoreDialect POSTGRES = new PostgresStoreDialect();
    // MySQL 8 and MariaDB 10.6+ take the same statements (multi-table DELETE, LIMIT with FOR UPDATE SKIP
    // LOCKED); the few differences (statement timeout variable) are in the connection settings, StoreDriver.
    private static final StoreDialect MYSQL = new MysqlStoreDialect();

    private StoreDialects() {
    }

    public static StoreDialect of(PrivacyMap.StoreKind kind) {
        return kind.mysqlFamily() ? MYSQL : POSTGRES;
    }
}
