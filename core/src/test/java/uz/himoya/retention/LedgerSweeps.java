package uz.himoya.retention;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uz.himoya.crypto.Secrets;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SubjectFinder;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Ledger;
import uz.himoya.store.postgres.PostgresRetention;

/**
 * Drives the sweep engine and the dry run on the ledger test app without Quarkus, as the retention function
 * does: a run record, then rules worked batch by batch, each batch on a store connection of its own. For
 * these tests of the engine's partition and cursor logic the ledger app's schema sits in Himoya's server
 * ({@code DemoStore.shareHimoyaServer(true)}, PartitionedSweepTest), so a test reads both with one query;
 * StoreSweepTest and StoreSweepCrashTest run the same engine against stores on servers of their own.
 */
final class LedgerSweeps {
    static final Secrets SECRETS = new Secrets(Base64.getEncoder().encodeToString(
            "a test secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8)), new SecureRandom());

    private LedgerSweeps() {
    }

    /** The map's rules, compiled against the schema as it is now, each in the app's store "shop". */
    static Map<String, PlannedRule> rules(Connection c, String paymentsAction) throws SQLException {
        PrivacyMap map = Ledger.validated(c, paymentsAction);
        Catalogue catalogue = Ledger.catalogue(c);
        Map<String, PlannedRule> rules = new LinkedHashMap<>();
        PostgresRetention.plan(map, catalogue, SECRETS.erasurePseudonymKey())
                .forEach(r -> rules.put(r.name(), PlannedRule.in(map.store("shop"), r)));
        return rules;
    }

    static Exclusions exclusions(Connection c, String paymentsAction) throws SQLException {
        PrivacyMap map = Ledger.validated(c, paymentsAction);
        return new Exclusions(SECRETS, "ledger", map.subjectStore(), new uz.himoya.store.postgres.PostgresSubjects(map, Ledger.catalogue(c)));
    }

    /** The ledger app's store is a schema of the shared embedded server, reached on connections of its own. */
    static Connection store(PrivacyMap.Store store) throws SQLException {
        return EmbeddedDatabase.dataSource().getConnection();
    }

    /** A new run of the given rules (all of the map's if none), worked to its end or its budget. */
    static RunView sweep(String paymentsAction, Instant asOf, boolean dryRun, int batchSize, Budget budget,
            String... only) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            Map<String, PlannedRule> rules = select(rules(c, paymentsAction), only);
            UUID id = UUID.randomUUID();
            List<RunStore.RuleSpec> specs = new ArrayList<>();
            rules.values().forEach(r -> specs.add(new RunStore.RuleSpec(r.name(), r.action())));
            RunStore.create(c, new RunView(id, "ledger", "ops", dryRun, true, asOf, "RUNNING", asOf, null, 1, 0,
                    List.of()), specs);
            return work(c, id, paymentsAction, rules, batchSize, budget, asOf);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Works an existing run again (a continuation), with the rules compiled afresh. */
    static RunView resume(UUID run, String paymentsAction, int batchSize, Budget budget, Instant asOf,
            String... only) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            return work(c, run, paymentsAction, select(rules(c, paymentsAction), only), batchSize, budget, asOf);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RunView work(Connection c, UUID id, String paymentsAction, Map<String, PlannedRule> rules,
            int batchSize, Budget budget, Instant asOf) throws SQLException {
        Exclusions exclusions = exclusions(c, paymentsAction);
        Clock clock = Clock.fixed(asOf, ZoneOffset.UTC);
        c.setAutoCommit(false);
        try {
            RunView run = RunStore.get(c, id).orElseThrow();
            c.commit();
            if (run.dryRun()) {
                new DryRun(clock).count(c, LedgerSweeps::store, id, rules, exclusions);
            } else {
                new SweepEngine(batchSize, clock, SECRETS).work(c, LedgerSweeps::store, id, rules, exclusions, budget);
            }
            RunView done = RunStore.get(c, id).orElseThrow();
            c.commit();
            return done;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static Map<String, PlannedRule> select(Map<String, PlannedRule> rules, String... only) {
        if (only.length == 0) {
            return rules;
        }
        Map<String, PlannedRule> out = new LinkedHashMap<>();
        for (String name : only) {
            out.put(name, rules.get(name));
        }
        return out;
    }

    static Budget unlimited() {
        return new Budget(() -> Duration.ofHours(1), Duration.ZERO);
    }

    /** A budget for exactly n batches. */
    static Budget batches(int n) {
        Budget[] self = new Budget[1];
        self[0] = new Budget(() -> self[0].batches() < n ? Duration.ofHours(1) : Duration.ZERO, Duration.ZERO);
        return self[0];
    }

    static RunView.Rule rule(RunView run, String name) {
        return run.rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }

    static List<String> strings(String query) {
        return strings(EmbeddedDatabase.dataSource(), query);
    }

    /** The first column of every row of a query on the given server (Himoya's, or an app's store). */
    static List<String> strings(javax.sql.DataSource server, String query) {
        try (Connection c = server.getConnection();
                PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String query) {
        return Long.parseLong(strings(query).get(0));
    }
}
