package uz.himoya.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;

/**
 * A test app with the table shapes that need retention most (issue 9): payments partitioned by month with
 * foreign keys declared on the partitions only, an audit trail without a primary key, and events kept in an
 * inheritance tree whose child repeats the parent's ids. Schema ledger_app, in the test apps' store
 * ({@link DemoStore}).
 */
public final class Ledger {
    public static final String SCHEMA = "ledger_app";

    private Ledger() {
    }

    /** The ledger's privacy map; retentionAction is the payments rule's action (YAML, e.g. "delete"). */
    public static String map(String retentionAction) {
        return """
                app:
                  id: ledger
                  name: Ledger
                  contactEmail: privacy@ledger.example
                  jurisdiction: UZ
                  locales: [uz, ru, en]
                stores:
                  - name: shop
                    kind: postgresql
                    schema: ledger_app
                    connection: ledger-app
                subject:
                  table: customers
                  key: id
                  email: email
                tables:
                  - table: customers
                    belongsTo: { column: id }
                    columns: { email: contact.email, full_name: contact.name }
                    erasure: delete
                  - table: payments
                    belongsTo: { column: customer_id }
                    columns: { card_holder: contact.name }
                    erasure:
                      anonymize: { customer_id: null, card_holder: redact }
                      reason: "the Tax Code of Uzbekistan (Art. 91): accounting records are kept for 5 years"
                    retention:
                      column: paid_at
                      keep: P1Y
                      action: %s
                      reason: "payment details serve the purchase for one year"
                  - table: audit_trail
                    belongsTo: { column: customer_id }
                    columns: { action: behaviour.pages }
                    erasure: delete
                    retention: { column: at, keep: P1Y, action: delete, reason: "audit trail kept one year" }
                  - table: events
                    belongsTo: { column: customer_id }
                    columns: { page: behaviour.pages }
                    erasure: delete
                    retention: { column: at, keep: P1Y, action: delete, reason: "events kept one year" }
                """.formatted(retentionAction);
    }

    /** A fresh schema: customers, payments with the given monthly partitions (yyyy_mm), no rows elsewhere. */
    public static void create(boolean paymentsPrimaryKey, String... months) {
        StringBuilder sql = new StringBuilder("""
                DROP SCHEMA IF EXISTS ledger_app CASCADE;
                CREATE SCHEMA ledger_app;
                CREATE TABLE ledger_app.customers (id bigint PRIMARY KEY, email text NOT NULL, full_name text);
                CREATE TABLE ledger_app.audit_trail (customer_id bigint, action text, at timestamptz NOT NULL);
                CREATE TABLE ledger_app.events (id bigint PRIMARY KEY, customer_id bigint, page text,
                    at timestamptz NOT NULL);
                CREATE TABLE ledger_app.events_archive () INHERITS (ledger_app.events);
                CREATE TABLE ledger_app.himoya_ledger (request_id uuid NOT NULL, step text NOT NULL,
                    counts text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (request_id, step));
                """);
        sql.append("CREATE TABLE ledger_app.payments (id bigint NOT NULL, customer_id bigint, card_holder text,"
                + " amount numeric(12, 2) NOT NULL, paid_at timestamptz NOT NULL"
                + (paymentsPrimaryKey ? ", PRIMARY KEY (id, paid_at)" : "") + ") PARTITION BY RANGE (paid_at);\n");
        sql.append("CREATE INDEX ON ledger_app.payments (paid_at);\n");
        for (String month : months) {
            sql.append(partition(month)).append(";\n");
        }
        exec(sql.toString());
    }

    /**
     * A monthly partition, created on its own and attached; its foreign key to customers is declared on the
     * partition only (the parent has none), as apps that add partitions by hand often do.
     */
    public static String partition(String month) {
        String from = month.replace('_', '-') + "-01";
        return "CREATE TABLE ledger_app.payments_" + month + " (LIKE ledger_app.payments INCLUDING DEFAULTS);"
                + " ALTER TABLE ledger_app.payments_" + month + " ADD FOREIGN KEY (customer_id) REFERENCES"
                + " ledger_app.customers (id);"
                + " ALTER TABLE ledger_app.payments ATTACH PARTITION ledger_app.payments_" + month
                + " FOR VALUES FROM ('" + from + "') TO ((DATE '" + from + "' + interval '1 month'))";
    }

    public static PrivacyMap validated(Connection c, String retentionAction) throws SQLException {
        return CatalogueValidator.validate(PrivacyMapParser.parse("ledger.yaml", map(retentionAction)),
                catalogue(c));
    }

    public static Catalogue catalogue(Connection c) throws SQLException {
        return Catalogue.load(c, SCHEMA);
    }

    public static void exec(String sql) {
        try (Connection c = DemoStore.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
