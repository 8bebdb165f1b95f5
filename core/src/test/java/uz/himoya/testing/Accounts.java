package uz.himoya.testing;

import java.time.Instant;
import java.util.List;

/**
 * A test app for retention conditions (docs/privacy-map.md, "Retention rules"), alike in PostgreSQL (schema
 * accounts_app) and MariaDB (database accounts_app): customers with a boolean, an enum, a varchar, a smallint,
 * a numeric and two timestamps; payments partitioned by year, with a text status and a card token.
 *
 * <p>Customers, as of {@link #AS_OF} (two years before it is 2024-12-01, three years 2023-12-01):
 *
 * <pre>
 * id active state      plan   tier created_at  last_sign_in_at
 * 1  false  closed     free   1    2020-01-01  2023-01-01
 * 2  true   open       it's   1    2020-01-01  2023-01-01
 * 3  false  cancelled  Free   2    2020-01-01  2023-01-01
 * 4  false  open       free   3    2024-06-01  2024-07-01
 * 5  false  suspended  pro    2    2020-01-01  NULL
 * 6  false  closed     free   1    2020-01-01  2026-11-01
 * </pre>
 *
 * Payments (one year before AS_OF is 2025-12-01): see {@link #PAYMENTS}.
 */
public final class Accounts {
    public static final String SCHEMA = "accounts_app";
    public static final Instant AS_OF = Instant.parse("2026-12-01T00:00:00Z");

    /** id, customer, status, paid_at (UTC). */
    public static final List<String[]> PAYMENTS = List.of(
            new String[] {"1", "1", "refunded", "2024-03-10"},
            new String[] {"2", "1", "cancelled", "2024-06-10"},
            new String[] {"3", "2", "paid", "2024-03-10"},
            new String[] {"4", "2", "Cancelled", "2024-03-10"},
            new String[] {"5", "3", "cancelled ", "2025-02-10"},
            new String[] {"6", "3", "refunded", "2025-03-10"},
            new String[] {"7", "4", "cancelled", "2025-11-10"},
            new String[] {"8", "4", "paid", "2025-11-20"},
            new String[] {"9", "5", "refunded", "2026-06-10"},
            new String[] {"10", "5", "cancelled", "2026-02-10"},
            new String[] {"11", "6", "refunded", "2024-03-10"},
            new String[] {"12", "6", "cancelled", "2025-05-10"});

    private static final String[][] CUSTOMERS = {
        {"1", "false", "closed", "'free'", "1", "2020-01-01", "2023-01-01"},
        {"2", "true", "open", "'it''s'", "1", "2020-01-01", "2023-01-01"},
        {"3", "false", "cancelled", "'Free'", "2", "2020-01-01", "2023-01-01"},
        {"4", "false", "open", "'free'", "3", "2024-06-01", "2024-07-01"},
        {"5", "false", "suspended", "'pro'", "2", "2020-01-01", null},
        {"6", "false", "closed", "'free'", "1", "2020-01-01", "2026-11-01"},
    };

    private Accounts() {
    }

    /**
     * The app's map on a store of the given kind; customersRetention is the customers table's retention rule
     * as a YAML flow mapping (see {@link #rule}).
     */
    public static String map(String kind, String customersRetention) {
        return """
                app:
                  id: accounts
                  name: Accounts
                  contactEmail: privacy@accounts.example
                  jurisdiction: UZ
                  locales: [uz, ru, en]
                stores:
                  - name: main
                    kind: %s
                    schema: accounts_app
                    connection: accounts-main
                subject:
                  table: customers
                  key: id
                  email: email
                tables:
                  - table: payments
                    belongsTo: { column: customer_id }
                    columns:
                      card_token: financial.card-token
                      amount: financial.amount
                      status: financial.payment
                    erasure:
                      anonymize: { customer_id: null, card_token: null }
                      reason: "the Tax Code of Uzbekistan (Art. 91): accounting records are kept for 5 years"
                    retention:
                      column: paid_at
                      keep: P1Y
                      when: { column: status, in: [refunded, cancelled] }
                      action: delete
                      reason: "a payment that was refunded or cancelled serves no purchase after a year"
                  - table: customers
                    belongsTo: { column: id }
                    columns: { email: contact.email, full_name: contact.name }
                    erasure: delete
                    retention: %s
                """.formatted(kind, customersRetention);
    }

    /** A customers rule that redacts full_name: column, keep, and when as YAML (a flow mapping). */
    public static String rule(String column, String keep, String when) {
        return "{ column: " + column + ", keep: " + keep + ", when: " + when
                + ", action: { anonymize: { full_name: redact }, reason: \"account kept no longer\" } }";
    }

    /** A fresh schema with the rows above, on the shared embedded PostgreSQL. */
    public static void createPostgres() {
        StringBuilder sql = new StringBuilder("""
                DROP SCHEMA IF EXISTS accounts_app CASCADE;
                CREATE SCHEMA accounts_app;
                CREATE TYPE accounts_app.account_state AS ENUM ('open', 'closed', 'cancelled', 'suspended');
                CREATE TABLE accounts_app.customers (id bigint PRIMARY KEY, email text NOT NULL, full_name text,
                    active boolean NOT NULL DEFAULT true, state accounts_app.account_state NOT NULL DEFAULT 'open',
                    plan varchar(16), tier smallint, amount_due numeric(12, 2), created_at timestamptz NOT NULL,
                    last_sign_in_at timestamptz);
                CREATE TABLE accounts_app.payments (id bigint NOT NULL, customer_id bigint, status varchar(16) NOT NULL,
                    card_token text, amount numeric(12, 2) NOT NULL, paid_at timestamptz NOT NULL,
                    PRIMARY KEY (id, paid_at)) PARTITION BY RANGE (paid_at);
                CREATE TABLE accounts_app.payments_2024 PARTITION OF accounts_app.payments
                    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
                CREATE TABLE accounts_app.payments_2025 PARTITION OF accounts_app.payments
                    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
                CREATE TABLE accounts_app.payments_2026 PARTITION OF accounts_app.payments
                    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
                CREATE INDEX ON accounts_app.payments (paid_at);
                """);
        rows(sql, "accounts_app.", "+00");
        Ledger.exec(sql.toString());
    }

    /** The same on the shared embedded MariaDB: database accounts_app. */
    public static String mariaDbScript() {
        StringBuilder sql = new StringBuilder("""
                DROP DATABASE IF EXISTS accounts_app;
                CREATE DATABASE accounts_app CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
                CREATE TABLE accounts_app.customers (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(254) NOT NULL,
                    full_name TEXT, active BOOLEAN NOT NULL DEFAULT TRUE,
                    state ENUM('open', 'closed', 'cancelled', 'suspended') NOT NULL DEFAULT 'open',
                    plan VARCHAR(16), tier SMALLINT, amount_due DECIMAL(12, 2), created_at DATETIME(6) NOT NULL,
                    last_sign_in_at TIMESTAMP(6) NULL) ENGINE = InnoDB;
                CREATE TABLE accounts_app.payments (id BIGINT NOT NULL, customer_id BIGINT,
                    status VARCHAR(16) NOT NULL, card_token TEXT, amount DECIMAL(12, 2) NOT NULL,
                    paid_at DATETIME(6) NOT NULL, PRIMARY KEY (id, paid_at), INDEX payments_paid_at (paid_at))
                    ENGINE = InnoDB
                    PARTITION BY RANGE COLUMNS (paid_at) (PARTITION p2024 VALUES LESS THAN ('2025-01-01'),
                        PARTITION p2025 VALUES LESS THAN ('2026-01-01'), PARTITION p2026 VALUES LESS THAN (MAXVALUE));
                """);
        rows(sql, "accounts_app.", "");
        return sql.toString();
    }

    private static void rows(StringBuilder sql, String prefix, String zone) {
        for (String[] c : CUSTOMERS) {
            sql.append("INSERT INTO ").append(prefix).append("customers (id, email, full_name, active, state, plan,"
                    + " tier, amount_due, created_at, last_sign_in_at) VALUES (").append(c[0]).append(", 'c")
                    .append(c[0]).append("@accounts.example', 'Customer ").append(c[0]).append("', ").append(c[1])
                    .append(", '").append(c[2]).append("', ").append(c[3]).append(", ").append(c[4])
                    .append(", 10.50, '").append(c[5]).append(" 00:00:00").append(zone).append("', ")
                    .append(c[6] == null ? "NULL" : "'" + c[6] + " 00:00:00" + zone + "'").append(");\n");
        }
        for (String[] p : PAYMENTS) {
            sql.append("INSERT INTO ").append(prefix).append("payments (id, customer_id, status, card_token, amount,"
                    + " paid_at) VALUES (").append(p[0]).append(", ").append(p[1]).append(", '").append(p[2])
                    .append("', 'tok_").append(p[0]).append("', 99.90, '").append(p[3]).append(" 00:00:00")
                    .append(zone).append("');\n");
        }
    }
}
