package uz.himoya.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import uz.himoya.privacymap.PrivacyMap;

/** JDBC driver, URL, TLS and timeout settings per kind of store. */
enum StoreDriver {
    POSTGRESQL {
        @Override
        String driverClass() {
            return "org.postgresql.Driver";
        }

        @Override
        String url(StoreConnections.Settings s) {
            return "jdbc:postgresql://" + s.host() + ":" + (s.port() > 0 ? s.port() : 5432) + "/" + s.database();
        }

        @Override
        Map<String, String> properties(StoreConnections.Settings s) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sslmode", s.tls());
            if (s.caFile().isPresent()) {
                p.put("sslrootcert", s.caFile().get());
            } else if (!s.tls().equals("disable")) {
                // Without a CA file pgjdbc looks for ~/.postgresql/root.crt, which a Lambda has not: verify
                // against the JVM's trust store instead, as the MariaDB driver does. verify-full still checks
                // the host name (pgjdbc's MakeSSL does, whatever the factory).
                p.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
            }
            p.put("connectTimeout", String.valueOf(Math.max(1, s.connectTimeout().toSeconds())));
            p.put("socketTimeout", String.valueOf(s.statementTimeout().plusSeconds(10).toSeconds()));
            // Set at connection start, so it holds for every statement of the session. A store behind RDS Proxy
            // pins on startup options; Himoya's store connections are few and short, which the proxy allows.
            p.put("options", "-c statement_timeout=" + s.statementTimeout().toMillis());
            p.put("ApplicationName", "himoya");
            // No server-side prepared statements: behind RDS Proxy they pin the session (see Himoya's own
            // datasource in microprofile-config.properties).
            p.put("prepareThreshold", "0");
            return p;
        }

        @Override
        Optional<String> sessionSql(PrivacyMap.StoreKind kind, StoreConnections.Settings s) {
            return Optional.empty();
        }
    },
    MYSQL_FAMILY {
        @Override
        String driverClass() {
            return "org.mariadb.jdbc.Driver";
        }

        @Override
        String url(StoreConnections.Settings s) {
            return "jdbc:mariadb://" + s.host() + ":" + (s.port() > 0 ? s.port() : 3306) + "/" + s.database();
        }

        @Override
        Map<String, String> properties(StoreConnections.Settings s) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sslMode", s.tls().equals("disable") ? "disable" : "verify-full");
            s.caFile().ifPresent(f -> p.put("serverSslCert", f));
            p.put("connectTimeout", String.valueOf(s.connectTimeout().toMillis()));
            p.put("socketTimeout", String.valueOf(s.statementTimeout().plusSeconds(10).toMillis()));
            // Found rows, not changed rows: the row guard compares an UPDATE's count with the rows it picked,
            // and an UPDATE that writes a value a row already holds must still count that row.
            p.put("useAffectedRows", "false");
            p.put("permitMysqlScheme", "true");
            // Client-side prepared statements (the driver's default, stated so it stays): server-side ones
            // (COM_STMT_PREPARE) pin the session behind RDS Proxy.
            p.put("useServerPrepStmts", "false");
            return p;
        }

        @Override
        Optional<String> sessionSql(PrivacyMap.StoreKind kind, StoreConnections.Settings s) {
            // MariaDB: max_statement_time (seconds, every statement). MySQL 8: max_execution_time (ms), which
            // only bounds SELECTs; the socket timeout bounds the rest.
            return Optional.of(kind == PrivacyMap.StoreKind.MARIADB
                    ? "SET SESSION max_statement_time = " + s.statementTimeout().toMillis() / 1000.0
                    : "SET SESSION max_execution_time = " + s.statementTimeout().toMillis());
        }
    };

    static StoreDriver of(PrivacyMap.StoreKind kind) {
        return kind == PrivacyMap.StoreKind.POSTGRESQL ? POSTGRESQL : MYSQL_FAMILY;
    }

    abstract String driverClass();

    abstract String url(StoreConnections.Settings s);

    abstract Map<String, String> properties(StoreConnections.Settings s);

    abstract Optional<String> sessionSql(PrivacyMap.StoreKind kind, StoreConnections.Settings s);
}
