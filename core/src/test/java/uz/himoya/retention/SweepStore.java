package uz.himoya.retention;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.SubjectRef;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.Ledger;
import uz.himoya.store.mysql.MysqlCatalogue;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * The demo app in a store of its own, apart from Himoya's database (the shared embedded PostgreSQL): the
 * demo store's embedded PostgreSQL server, or the embedded MariaDB (database demo_kg). What the sweep tests and
 * the crash tests' child JVM drive the engine with, without Quarkus and without AppRegistry (which does not
 * compile MySQL stores yet): the demo map's rules planned by each store's dialect (RetentionPlans.plan), plus one of
 * Himoya's own rules, so every sweep runs both paths.
 */
record SweepStore(PrivacyMap.StoreKind kind, String url) {
    static final Secrets SECRETS = LedgerSweeps.SECRETS;

    /** The demo app's own PostgreSQL server (testing.DemoStore): its own port and data directory. */
    static SweepStore postgres() {
        return new SweepStore(PrivacyMap.StoreKind.POSTGRESQL, uz.himoya.testing.DemoStore.jdbcUrl());
    }

    static SweepStore mariadb() {
        return new SweepStore(PrivacyMap.StoreKind.MARIADB, EmbeddedMariaDb.jdbcUrl(EmbeddedMariaDb.DEMO));
    }

    static SweepStore of(String kind, String url) {
        return new SweepStore(PrivacyMap.StoreKind.valueOf(kind), url);
    }

    /** A new connection to the store, auto-commit on (what StoreConnections hands out). */
    Connection open() throws SQLException {
        return kind.mysqlFamily() ? DriverManager.getConnection(url)
                : DriverManager.getConnection(url, "postgres", "postgres");
    }

    /** As an AppRegistry.StoreOpener: the demo map has the one store. */
    Connection open(PrivacyMap.Store store) throws SQLException {
        return open();
    }

    /** Fresh demo data in the store, its ledger included. */
    void load() {
        if (kind.mysqlFamily()) {
            EmbeddedMariaDb.loadDemo();
            try (Connection c = open()) {
                Ledger.create(c, map().store("shop"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        } else {
            script("demo/schema.sql");
            script("demo/seed.sql");
        }
    }

    /** The demo map for this store: privacy-maps/demo.yaml as bundled, on MariaDB on database demo_kg. */
    PrivacyMap map() {
        if (!kind.mysqlFamily()) {
            return AppRegistry.parse("demo");
        }
        String yaml;
        try (InputStream in = SweepStore.class.getClassLoader().getResourceAsStream("privacy-maps/demo.yaml")) {
            yaml = new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        PrivacyMap map = PrivacyMapParser.parse("privacy-maps/demo.yaml", yaml.replace("schema: demo_app",
                "schema: " + EmbeddedMariaDb.DEMO).replace("kind: postgresql", "kind: mariadb"));
        // demo_kg's PascalCase table refers to users; the parser takes lower-case names only, so it is added here
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(new PrivacyMap.Table("CustomerNotes", 999, "shop", "CustomerId", Optional.empty(), "id",
                Map.of("NoteText", "content.free-text"), new PrivacyMap.Delete(), Optional.empty()));
        return map.withTables(tables);
    }

    /** The app's sweep as RetentionPlans compiles it, against the store's catalogue as it is now. */
    record Plan(PrivacyMap map, Map<String, PlannedRule> rules, uz.himoya.store.port.SubjectFinder subjects) {
        Exclusions exclusions() {
            return new Exclusions(SECRETS, "demo", map.subjectStore(), subjects);
        }
    }

    Plan plan() throws SQLException {
        String key = SECRETS.erasurePseudonymKey();
        PrivacyMap map;
        Map<String, Catalogue> catalogues;
        if (kind.mysqlFamily()) {
            try (Connection c = open()) {
                catalogues = Map.of("shop", MysqlCatalogue.load(c, EmbeddedMariaDb.DEMO));
            }
            map = CatalogueValidator.validate(map(), catalogues);
        } else {
            AppRegistry.CompiledApp app = AppRegistry.compile(map(), this::open, key);
            map = app.map();
            catalogues = app.catalogues();
        }
        Map<String, PlannedRule> rules = new LinkedHashMap<>();
        RetentionPlans.plan(map, catalogues, key).forEach(r -> rules.put(r.name(), r));
        OwnRule idempotency = new OwnRule("himoya:idempotency-records", "DELETE", "idempotency_record",
                List.of("app_id", "idem_key"), "app_id = ? AND created_at < ?", "DELETE FROM idempotency_record t", "",
                0, asOf -> asOf.minus(Duration.ofDays(1)));
        rules.put(idempotency.name(), PlannedRule.own(idempotency));
        return new Plan(map, rules, uz.himoya.store.StoreDialects.of(map.subjectStore().kind()).subjects(map, catalogues.get("shop")));
    }

    /** A new full run of every rule of the plan, in Himoya's database. */
    static UUID newRun(Plan plan, boolean dryRun, Instant asOf) {
        UUID id = UUID.randomUUID();
        List<RunStore.RuleSpec> specs = plan.rules().values().stream()
                .map(r -> new RunStore.RuleSpec(r.name(), r.action())).toList();
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            RunStore.create(c, new RunView(id, "demo", "ops", dryRun, false, asOf, "RUNNING", asOf, null, 1, 0,
                    List.of()), specs);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /**
     * Works a run (a first invocation, or a resumed one) on a connection of Himoya's own, as RetentionSweeper
     * does; returns the run record as it then stands. hook: called after each store commit of a batch.
     */
    RunView work(Plan plan, UUID run, int batchSize, Budget budget, SweepEngine.StoreCommitted hook)
            throws SQLException {
        return work(plan, run, batchSize, budget, hook, java.time.Clock.systemUTC());
    }

    RunView work(Plan plan, UUID run, int batchSize, Budget budget, SweepEngine.StoreCommitted hook,
            java.time.Clock clock) throws SQLException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            c.setAutoCommit(false);
            if (RunStore.get(c, run).orElseThrow().dryRun()) {
                new DryRun(clock).count(c, this::open, run, plan.rules(), plan.exclusions());
            } else {
                new SweepEngine(batchSize, clock, SECRETS).onStoreCommit(hook).work(c, this::open,
                        run, plan.rules(), plan.exclusions(), budget);
            }
            c.rollback();
            c.setAutoCommit(true);
            return RunStore.get(c, run).orElseThrow();
        }
    }

    /** Himoya's records empty: no runs, holds or requests; two idempotency records of the demo, one old. */
    static void resetHimoya() {
        EmbeddedDatabase.migrateHimoya();
        himoya("TRUNCATE retention_run, retention_run_rule, retention_rule_claim, legal_hold, deletion_request, idempotency_record CASCADE");
        himoya("INSERT INTO idempotency_record VALUES ('demo', 'old', '\\x00', 202, '{}', now() - interval '2 days'),"
                + " ('demo', 'fresh', '\\x00', 202, '{}', now())");
    }

    /** A legal hold on a subject key, as LegalHolds.place writes it. */
    static void hold(String subjectKey) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO legal_hold (id, app_id, subject_key_hash, subject_key, reason, placed_at)"
                        + " VALUES (?, 'demo', ?, ?, 'tax audit', now())")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setBytes(2, SECRETS.keyedHash("demo", "id", subjectKey));
            ps.setBytes(3, SECRETS.encrypt(subjectKey));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An open deletion request naming its subject by e-mail only (sealed, as intake stores it). */
    static void openRequestByEmail(String email) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO deletion_request (id, app_id, subject_email_hash, subject_ref, status, attested,"
                        + " received_at, due_at) VALUES (?, 'demo', ?, ?, 'AWAITING_VERIFICATION', false, ?, ?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setBytes(2, SECRETS.keyedHash("demo", "email", email));
            ps.setBytes(3, new SubjectRef(null, email).seal(SECRETS));
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.setTimestamp(5, Timestamp.from(Instant.now().plus(Duration.ofDays(14))));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void himoya(String sql) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void exec(String sql) {
        try (Connection c = open(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql, Object... params) {
        try (Connection c = open(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The store's ledger rows of a run: step and counts, by step. */
    Map<String, String> ledger(UUID run) {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = open(); PreparedStatement ps = c.prepareStatement("SELECT step, counts FROM "
                + (kind.mysqlFamily() ? EmbeddedMariaDb.DEMO : "demo_app") + ".himoya_ledger WHERE request_id = "
                + (kind.mysqlFamily() ? "?" : "CAST(? AS uuid)") + " ORDER BY step")) {
            ps.setString(1, run.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The table names of the demo: demo_app.t on PostgreSQL, demo_kg.t on MariaDB. */
    String table(String name) {
        return (kind.mysqlFamily() ? EmbeddedMariaDb.DEMO : "demo_app") + "." + name;
    }

    private void script(String resource) {
        try (InputStream in = SweepStore.class.getClassLoader().getResourceAsStream(resource); Connection c = open();
                Statement s = c.createStatement()) {
            s.execute(new String(in.readAllBytes(), UTF_8));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot run " + resource, e);
        }
    }
}
