package uz.himoya.local.bench;

import static uz.himoya.local.bench.Pairs.Column.perSecond;
import static uz.himoya.local.bench.Pairs.Column.percentileOf;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the two retention benchmarks share ({@link RetentionBenchmark} on PostgreSQL, {@link
 * MariaDbRetentionBenchmark} on MariaDB): the table's size, the goal, the arguments, the baseline's batched
 * DELETE loop (each benchmark binds its own statement) and the report's table. The servers, the seed, Himoya's
 * sweep and the timing of each run are each benchmark's own.
 */
final class RetentionPair {
    /** access_logs' rows, every other one expired: ROWS / 2 to remove per run. */
    static final int ROWS = 2_000_000;
    static final int USERS = 200;
    static final double GOAL = 1.30;

    @FunctionalInterface
    interface Benchmark {
        void run(int warmUp, int measured, int batch) throws Exception;
    }

    @FunctionalInterface
    interface Batch {
        /** Binds one batch's parameters, given the highest id deleted so far (0 at first). */
        void bind(PreparedStatement ps, long last) throws SQLException;
    }

    private RetentionPair() {
    }

    /**
     * A benchmark's main: [warm-up pairs, default 1] [measured pairs, default 3] [batch size, default 5000]
     * ({@code usage} names them for the error; 0 measured pairs or batch runs 1), then {@link Bench#runThenExit}.
     */
    static void main(String[] args, String usage, Benchmark benchmark, Runnable stopServers) throws Exception {
        int warmUp = Bench.arg(args, 0, 1, 0, "warm-up pairs", usage);
        int measured = Math.max(1, Bench.arg(args, 1, 3, 0, "measured pairs", usage));
        int batch = Math.max(1, Bench.arg(args, 2, 5000, 0, "batch", usage));
        Bench.runThenExit(() -> benchmark.run(warmUp, measured, batch), stopServers);
    }

    /**
     * The report's header: {@code title} (the benchmark and its table), the table's size and the batch, the
     * machine and its load over the rounds.
     */
    static void header(String title, int batch, Pairs.Runs runs) {
        Bench.header(title + ", " + ROWS + " rows, " + ROWS / 2 + " expired (P90D), batches of " + batch, runs.load()
                + " (1/5/15 min, start -> end of the rounds; the machine is shared)");
    }

    /**
     * The baseline: a batched DELETE loop as a careful developer writes it, one transaction per batch, walking the
     * primary key with a keyset (id &gt; last) so no batch re-reads what earlier ones removed, until a batch comes
     * back short. {@code sql} deletes one batch and returns the ids it deleted; {@code batch} binds it. Returns the
     * rows deleted.
     */
    static long handWritten(Connection c, String sql, int batchSize, Batch batch) throws SQLException {
        long total = 0;
        long last = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            while (true) {
                batch.bind(ps, last);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        last = Math.max(last, rs.getLong(1));
                    }
                }
                c.commit();
                total += n;
                if (n < batchSize) {
                    return total;
                }
            }
        }
    }

    /** The table of the report: each sweep's median and its rows per second; returned for the ratio lines. */
    static Pairs.Table table(Pairs.Runs runs, int labelWidth) {
        return runs.table(labelWidth, percentileOf("median ms", 12, "%.0f", 0, 50),
                perSecond("rows/second", 14, "%.0f", 0, ROWS / 2));
    }
}
