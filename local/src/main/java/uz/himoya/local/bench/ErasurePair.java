package uz.himoya.local.bench;

import static uz.himoya.local.bench.Pairs.Column.maxOf;
import static uz.himoya.local.bench.Pairs.Column.minOf;
import static uz.himoya.local.bench.Pairs.Column.percentileOf;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.deletion.StoreErasure;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SubjectFinder;

/**
 * What the two erasure benchmarks share ({@link ErasureBenchmark} on PostgreSQL, {@link ErasureMariaDbBenchmark}
 * on MariaDB): Himoya's side as StoreErasure runs the store's transaction, one timed transaction with the CPU
 * time of the side's server process or thread beside it, the check that both sides leave the same tables, the
 * pairs and their report. The store, its seed and reset, and the hand-written baseline are each benchmark's own.
 */
final class ErasurePair {
    static final double GOAL = 1.20;

    /** One erasure of the subject inside the caller's transaction; returns the rows it erased. */
    interface Erasure {
        long erase(Connection c) throws SQLException;

        /** After the commit (or the rollback): what the side puts back on its connection. */
        default void after(Connection c) throws SQLException {
        }
    }

    @FunctionalInterface
    interface Reset {
        void run() throws SQLException;
    }

    @FunctionalInterface
    interface Fingerprints {
        /** Per table: row count and a digest over every row; othersOnly leaves out the subject's rows. */
        Map<String, String> of(boolean othersOnly) throws SQLException;
    }

    @FunctionalInterface
    interface SubjectGone {
        /** Adds to problems what is left of the subject beyond what its map keeps. */
        void check(String who, List<String> problems) throws SQLException;
    }

    /**
     * A benchmark's store: its untimed reset before every run, its fingerprints and its check of the subject's
     * rows. erasesAll: the map keeps nothing of the subject, so after an erasure the whole tables must equal the
     * other users' rows before it; otherwise the other users' rows after are compared with theirs before.
     */
    record Store(Reset prepare, Fingerprints fingerprints, SubjectGone subjectGone, boolean erasesAll) {
    }

    /** One side: its connection, the server process or thread serving it (for its CPU time), its erasure. */
    record Side(Connection connection, long server, Erasure erasure) {
    }

    /** The rows each side reported erased in the check, and the measured pairs. */
    record Result(long[] rowsErased, Pairs.Runs runs) {
    }

    @FunctionalInterface
    interface Benchmark {
        void run(int warmUpPairs, int measuredPairs) throws Exception;
    }

    private ErasurePair() {
    }

    /**
     * A benchmark's main: its arguments ([warm-up pairs, default 5] [measured pairs, default 15]; {@code usage}
     * names them for the error), then {@link Bench#runThenExit}.
     */
    static void main(String[] args, String usage, Benchmark benchmark, Runnable stopServers) throws Exception {
        // Quarkus's log manager is on the classpath; without this it complains on stderr when first touched.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        int warmUpPairs = Bench.arg(args, 0, 5, 0, "warm-up pairs", usage);
        int measuredPairs = Bench.arg(args, 1, 15, 1, "measured pairs", usage);
        Bench.runThenExit(() -> benchmark.run(warmUpPairs, measuredPairs), stopServers);
    }

    /**
     * Himoya's side: as StoreErasure runs the store's transaction, its isolation set before and put back after
     * (inside the timing), the subject looked up, every table of the plan compiled at start-up erased.
     */
    static Erasure himoya(AppRegistry.CompiledApp app, String store, long subject) {
        return new Erasure() {
            private int isolation;

            @Override
            public long erase(Connection c) throws SQLException {
                isolation = c.getTransactionIsolation();
                if (isolation != StoreErasure.ISOLATION) {
                    c.setTransactionIsolation(StoreErasure.ISOLATION);
                }
                Optional<SubjectFinder.Subject> s = app.subjects().find(c, Optional.of(Long.toString(subject)),
                        Optional.empty());
                if (s.isEmpty()) {
                    throw new IllegalStateException("Himoya did not find subject " + subject);
                }
                long rows = 0;
                for (TableOutcome o : app.eraser(store).erase(c, s.get().key())) {
                    rows += o.rows();
                }
                return rows;
            }

            @Override
            public void after(Connection c) throws SQLException {
                if (isolation != StoreErasure.ISOLATION) {
                    c.setTransactionIsolation(isolation);
                }
            }
        };
    }

    /**
     * Checks that both sides do the same work, then runs the pairs, each run after the store's reset:
     * Himoya first, then the baseline.
     */
    static Result run(int warmUpPairs, int measuredPairs, Store store, Side himoya, Side baseline) throws Exception {
        himoya.connection().setAutoCommit(false);
        baseline.connection().setAutoCommit(false);
        long[] rowsErased = verifySameEndState(store, himoya, baseline);
        Pairs.Runs runs = Pairs.measure(warmUpPairs, measuredPairs, List.of(
                new Pairs.Side("Himoya (find + plan)", "Himoya", () -> {
                    store.prepare().run();
                    return timed(himoya.connection(), himoya.server(), himoya.erasure());
                }),
                new Pairs.Side("hand-written JDBC", "baseline", () -> {
                    store.prepare().run();
                    return timed(baseline.connection(), baseline.server(), baseline.erasure());
                })));
        return new Result(rowsErased, runs);
    }

    /**
     * One transaction: the erasure and its commit; its elapsed milliseconds, and the milliseconds of CPU the side's
     * server process or thread spent on it (NaN where /proc cannot tell).
     */
    private static double[] timed(Connection c, long server, Erasure erasure) throws SQLException {
        long cpu = Bench.serverCpuNanos(server);
        long start = System.nanoTime();
        try {
            erasure.erase(c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            erasure.after(c);
        }
        double ms = (System.nanoTime() - start) / 1e6;
        long cpuAfter = Bench.serverCpuNanos(server);
        return new double[] {ms, cpu < 0 || cpuAfter < 0 ? Double.NaN : (cpuAfter - cpu) / 1e6};
    }

    /**
     * Runs each side once on identical data and compares what they leave: the same rows in every table
     * (whole-table fingerprints), nothing left of the subject but what the map keeps, and every other user's
     * rows exactly as before. Returns the rows each side reports erased.
     */
    private static long[] verifySameEndState(Store store, Side himoya, Side baseline) throws SQLException {
        List<String> problems = new ArrayList<>();
        store.prepare().run();
        Map<String, String> othersBefore = store.fingerprints().of(true);
        long himoyaRows = eraseOnce(himoya);
        Map<String, String> himoyaState = endState(store, "Himoya", "Himoya", othersBefore, problems);
        store.prepare().run();
        long baselineRows = eraseOnce(baseline);
        Map<String, String> baselineState = endState(store, "baseline", "the baseline", othersBefore, problems);
        for (String t : himoyaState.keySet()) {
            if (!himoyaState.get(t).equals(baselineState.get(t))) {
                problems.add("table " + t + " differs: Himoya " + himoyaState.get(t) + ", baseline "
                        + baselineState.get(t));
            }
        }
        if (himoyaRows != baselineRows) {
            problems.add("rows erased differ: Himoya " + himoyaRows + ", baseline " + baselineRows);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the two erasures do not do the same work:\n  "
                    + String.join("\n  ", problems));
        }
        System.out.println("[bench] verified: Himoya and the baseline leave identical tables (" + himoyaState.size()
                + " of " + himoyaState.size() + " fingerprints equal), other users untouched");
        return new long[] {himoyaRows, baselineRows};
    }

    /** After one side's erasure: the tables' fingerprints, and what is wrong with them added to problems. */
    private static Map<String, String> endState(Store store, String who, String subjectOfSentence,
            Map<String, String> othersBefore, List<String> problems) throws SQLException {
        Map<String, String> state = store.fingerprints().of(false);
        store.subjectGone().check(who, problems);
        if (store.erasesAll() ? !othersBefore.equals(state) : !othersBefore.equals(store.fingerprints().of(true))) {
            problems.add(subjectOfSentence + " changed other users' rows" + (store.erasesAll() ? ", or left the subject's" : ""));
        }
        return state;
    }

    private static long eraseOnce(Side side) throws SQLException {
        Connection c = side.connection();
        try {
            long rows = side.erasure().erase(c);
            c.commit();
            return rows;
        } finally {
            side.erasure().after(c);
        }
    }

    /**
     * The report: the header, {@code server} (the store's server and its settings) and the work, then the medians,
     * the ratios of time and of the servers' CPU ({@code cpuOf}: whose), the goal and the per-run listing.
     */
    static void report(Result r, String title, String server, int tables, String cpuOf) {
        Pairs.Runs runs = r.runs();
        double ratio = runs.ratio(0, 1, 0);
        Bench.header(title, runs.load() + " (1/5/15 min, start -> end of the pairs; the machine is shared)");
        System.out.println("  " + server);
        System.out.println("  rows erased   " + r.rowsErased()[0] + " per run by Himoya, " + r.rowsErased()[1]
                + " by the baseline (" + tables + " tables)");
        System.out.println("  rounds        " + runs.warmUp() + " warm-up pairs (not counted), " + runs.measured()
                + " measured pairs, alternating Himoya/baseline");
        System.out.println();
        Pairs.Table t = runs.table(30, percentileOf("median ms", 10, "%.2f", 0, 50),
                percentileOf("p90 ms", 10, "%.2f", 0, 90), minOf("min ms", 10, "%.2f", 0),
                maxOf("max ms", 10, "%.2f", 0), percentileOf("server cpu ms", 14, "%.2f", 1, 50));
        t.line("ratio of the medians", ratio);
        t.line("median of the pairs' ratios", runs.pairsRatio(0, 1, 0),
                "each pair's two runs are adjacent, so drift hits both");
        t.line("server cpu ratio (medians)", runs.ratio(0, 1, 1), cpuOf + " CPU per run, not waiting for one");
        t.line("median of the pairs' cpu ratios", runs.pairsRatio(0, 1, 1));
        Pairs.goal(GOAL, ratio);
        runs.listing("ms", "%.1f");
    }
}
