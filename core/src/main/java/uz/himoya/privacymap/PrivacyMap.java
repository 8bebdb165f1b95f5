package uz.himoya.privacymap;

import java.time.Period;
import java.time.temporal.TemporalAmount;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.policy.Jurisdiction;

/**
 * One app's privacy map, as loaded from privacy-maps/&lt;id&gt;.yaml (docs/privacy-map.md). Immutable;
 * {@link #tables()} is in erasure order (children before parents) once validated. {@link #webhooks()} are
 * the app's systems Himoya cannot reach by SQL (docs/privacy-map.md, "Webhooks"), in map order.
 */
public record PrivacyMap(String source, App app, List<Store> stores, Subject subject, List<Table> tables,
        List<BreachSelector> breachSelectors, List<WebhookSpec> webhooks) {

    public PrivacyMap {
        webhooks = List.copyOf(webhooks);
    }

    public record App(String id, String name, String contactEmail, Jurisdiction jurisdiction, List<String> locales,
            String defaultLocale, Period deletionDeadline, Verification verification) {
    }

    /** Which SQL a store speaks. */
    public enum StoreKind {
        POSTGRESQL, MYSQL, MARIADB;

        public boolean mysqlFamily() {
            return this != POSTGRESQL;
        }
    }

    /**
     * A database of the app's own that holds some of its mapped tables (docs/privacy-map.md, "Stores").
     *
     * @param schema       the PostgreSQL schema, or the MySQL/MariaDB database, the tables live in
     * @param connection   the name the connection settings are found under: config himoya.store."name".* (local
     *                     run, tests) or the store's Secrets Manager secret (AWS)
     * @param createLedger whether Himoya creates its ledger table there itself (else the DBA did)
     */
    public record Store(int line, String name, StoreKind kind, String schema, String connection,
            boolean createLedger) {
    }

    /** How a request proves it comes from the data subject. */
    public enum Verification {
        /** Always mail a link to the registered address (Deepen 6.1: requests from the registered e-mail). */
        EMAIL,
        /** The app vouches for a signed-in user (oshto.kg 3.1.2, personal cabinet). */
        APP_ATTESTED,
        EITHER;

        public boolean allowsEmail() {
            return this != APP_ATTESTED;
        }

        public boolean allowsAttested() {
            return this != EMAIL;
        }
    }

    public record Subject(String table, String key, String email, Optional<String> locale, String store) {
    }

    /**
     * A table holding personal data: how its rows belong to the subject and what erasure does to them.
     *
     * @param column       belongsTo.column (empty for a table whose rows belong through referencedBy)
     * @param referencedBy the rows of other mapped tables that point at this table's rows, for a table the
     *                     subject's rows reference (docs/privacy-map.md, "References from the subject"); empty
     *                     for a table that belongs through belongsTo
     * @param tombstone    the row Himoya keeps in this table for kept rows to point at, if the map declares one
     */
    public record Table(String name, int line, String store, String column, Optional<String> parent,
            String parentKey, Map<String, String> categories, Erasure erasure, Optional<Retention> retention,
            List<Reference> referencedBy, Optional<Tombstone> tombstone) {

        /** A table that belongs through belongsTo, without a tombstone. */
        public Table(String name, int line, String store, String column, Optional<String> parent, String parentKey,
                Map<String, String> categories, Erasure erasure, Optional<Retention> retention) {
            this(name, line, store, column, parent, parentKey, categories, erasure, retention, List.of(),
                    Optional.empty());
        }

        /** Whether its rows belong to the subject because the subject's rows point at them. */
        public boolean referenced() {
            return !referencedBy.isEmpty();
        }

        public Table withErasure(Erasure changed) {
            return new Table(name, line, store, column, parent, parentKey, categories, changed, retention,
                    referencedBy, tombstone);
        }

        public Table withReferences(List<Reference> resolved, Optional<Tombstone> tombstoneResolved) {
            return new Table(name, line, store, column, parent, parentKey, categories, erasure, retention,
                    List.copyOf(resolved), tombstoneResolved);
        }
    }

    /**
     * {@code referencedBy: {table: customer, column: address_id}} on table address: the address rows that the
     * subject's customer rows point at through customer.address_id, a foreign key the catalogue declares.
     *
     * @param key the column of the referenced table the foreign key points at; empty until the map is validated
     */
    public record Reference(int line, String table, String column, String key) {
    }

    /**
     * A row Himoya creates (if missing) and keeps in a table, for kept rows to point at instead of the erased
     * subject's row (strategy {@code tombstone}).
     *
     * @param key       the value of the table's one-column primary key, as the map writes it
     * @param values    the other columns' values as the map writes them (empty: SQL NULL); columns left out get
     *                  their default
     * @param keyColumn the primary key column; empty until the map is validated
     * @param keyType   the key column's type as the store spells it; empty until the map is validated
     */
    public record Tombstone(int line, String key, Map<String, Optional<String>> values, String keyColumn,
            String keyType) {

        public Tombstone resolved(String column, String type) {
            return new Tombstone(line, key, values, column, type);
        }
    }

    /**
     * How long a table's rows are kept (Qlever 5.3, MEGABITE-CRM 6.3, ShipEx 1.3.1: only as long as the
     * purpose or the law allows): rows whose column is older than keep get the action, if the optional
     * condition holds too (docs/privacy-map.md, "Retention rules").
     */
    public record Retention(int line, String column, TemporalAmount keep, Erasure action,
            Optional<Condition> when, String reason) {

        /** The checks that must all hold besides keep: when's one check, or each check of its all. */
        public List<Condition.Check> checks() {
            return when.map(w -> switch (w) {
                case Condition.All all -> all.checks();
                case Condition.Check check -> List.of(check);
            }).orElse(List.of());
        }
    }

    /**
     * What else must hold of a row for a retention rule to take it: one check on a column of the same row,
     * or all of several. Structured, so that the map never holds SQL; values are always bound.
     */
    public sealed interface Condition permits Condition.Check, Condition.All {

        int line();

        /** A check on one column. */
        sealed interface Check extends Condition permits OlderThan, IsNull, OneOf {
            String column();
        }

        /** The column holds a date or time older than the period (a NULL is older than nothing). */
        record OlderThan(int line, String column, TemporalAmount period) implements Check {
        }

        /** The column is NULL. */
        record IsNull(int line, String column) implements Check {
        }

        /**
         * The column equals one of the values (a NULL equals none). operator is how the map said it: "equals"
         * (one value) or "in" (a list).
         */
        record OneOf(int line, String column, String operator, List<Literal> values) implements Check {
            public OneOf {
                values = List.copyOf(values);
            }
        }

        /** Every check holds. */
        record All(int line, List<Check> checks) implements Condition {
            public All {
                checks = List.copyOf(checks);
            }
        }
    }

    /**
     * A value as the map wrote it: its text, and whether it was plain (unquoted). YAML reads a plain true,
     * no or 12 as a boolean or a number, a quoted one as text; the validator holds each value to the column's
     * type with that in mind.
     */
    public record Literal(int line, String text, boolean plain) {
    }

    /**
     * A way ops may pick the subjects affected by a breach: rows of a mapped table whose timestamp column
     * falls inside the breach window. Declared here so that no caller ever names SQL.
     */
    public record BreachSelector(int line, String name, String table, String timestamp) {
    }

    public sealed interface Erasure permits Delete, Anonymize {
    }

    public record Delete() implements Erasure {
    }

    /** Keep the rows (the law makes the app keep them), overwrite the personal columns. */
    public record Anonymize(Map<String, AnonymizationStrategy> columns, String reason) implements Erasure {
    }

    public PrivacyMap withTables(List<Table> ordered) {
        return new PrivacyMap(source, app, stores, subject, List.copyOf(ordered), breachSelectors, webhooks);
    }

    /** The system the map lists under that name. */
    public Optional<WebhookSpec> webhook(String name) {
        return webhooks.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The systems that take requests of a kind, in map order. */
    public List<WebhookSpec> webhooksTaking(WebhookSpec.Kind kind) {
        return webhooks.stream().filter(w -> w.takes(kind)).toList();
    }

    public Store store(String name) {
        return stores.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no store " + name + " in " + source));
    }

    /** The store that holds the subject table. */
    public Store subjectStore() {
        return store(subject.store());
    }

    /** The mapped tables of one store, in erasure order. */
    public List<Table> tablesOf(String store) {
        return tables.stream().filter(t -> t.store().equals(store)).toList();
    }

    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The subject table's tombstone, if the map declares one: a row that is nobody, so subject lookups,
     * retention sweeps and breach notices leave it out.
     */
    public Optional<Tombstone> subjectTombstone() {
        return table(subject.table()).flatMap(Table::tombstone);
    }

    /** The tombstone of any mapped table, by the table's name. */
    public Optional<Tombstone> tombstoneOf(String table) {
        return table(table).flatMap(Table::tombstone);
    }
}
