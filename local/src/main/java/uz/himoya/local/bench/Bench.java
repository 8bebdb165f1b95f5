package uz.himoya.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * What the benchmarks share: the machine they ran on (the report's header), their servers, their arguments, plain
 * SQL, percentiles. The side-by-side rounds and their report's table are {@link Pairs}.
 */
final class Bench {
    /** The benchmarks' servers' files, under the checkout's local-data/bench (never /tmp). */
    private static final Path SERVERS = Path.of("local-data", "bench", "servers").toAbsolutePath();
    /** The servers' binaries, unpacked once, where the local run keeps them. */
    private static final Path BINARIES = Path.of("local", "target", "embedded-servers", "postgresql").toAbsolutePath();

    private Bench() {
    }

    /** Himoya's own database (an embedded PostgreSQL on a free port), started once. */
    static void startHimoyaServer() {
        EmbeddedDatabase.start(0, SERVERS.resolve("himoya-pg"), BINARIES);
    }

    /** The demo app's store as a server of its own (an embedded PostgreSQL on a free port), started once. */
    static void startDemoStore() {
        DemoStore.start(0, SERVERS.resolve("demo-pg"), BINARIES);
    }


    /**
     * The report's header: after a blank line the title, then the date and the machine: JDK, OS, CPUs, load
     * average ({@code load}: the figures and what they cover).
     */
    static void header(String title, String load) {
        header(title, "", load);
    }

    /** The header, with {@code java} after the JDK's name (e.g. the heap's size). */
    static void header(String title, String java, String load) {
        System.out.println();
        System.out.println(title);
        System.out.println("  date          " + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.println("  java.version  " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ")" + java);
        System.out.println("  os            " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        System.out.println("  cpus          " + Runtime.getRuntime().availableProcessors());
        System.out.println("  cpu model     " + cpuModel());
        System.out.println("  load average  " + load);
    }

    /** Values one after another, each in {@code number} (e.g. "%.1f"), for a report's per-run listing. */
    static String list(double[] values, String number) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format(number, v));
        }
        return sb.toString();
    }

    /**
     * Command-line argument i as a whole number of at least {@code min} ("1_000" and "1,000" read as 1000), or
     * {@code dflt} where it is not given; {@code usage} names the benchmark and its arguments for the error.
     */
    static int arg(String[] args, int i, int dflt, int min, String what, String usage) {
        if (args.length <= i) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(args[i].replace("_", "").replace(",", ""));
            if (v < min) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("usage: " + usage + "; " + what + " must be a whole number >= " + min
                    + ", got '" + args[i] + "'");
        }
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /**
     * A benchmark's run, then its servers stopped, then exit 0: the embedded servers' helper threads must not keep
     * the JVM up, and the goal never sets the exit code (a measurement, not a test).
     */
    static void runThenExit(Body benchmark, Runnable stopServers) throws Exception {
        try {
            benchmark.run();
        } finally {
            stopServers.run();
        }
        System.exit(0);
    }

    /** The CPU's model name from /proc/cpuinfo, for the header every benchmark prints. */
    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The 1, 5 and 15 minute load averages, for the header: the machine is shared. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * CPU time a server's thread or process has run so far, in nanoseconds (Linux /proc/&lt;id&gt;/schedstat), or
     * -1 where it cannot be read. A PostgreSQL backend is a process (pg_backend_pid()); a MariaDB connection is a
     * thread of the server (information_schema.PROCESSLIST.TID), and /proc/&lt;tid&gt; serves a thread too. Unlike
     * elapsed time it leaves out the time the thread waited for a CPU, which on a shared machine is most of the
     * noise.
     */
    static long serverCpuNanos(long id) {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc", Long.toString(id), "schedstat")).trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The ratios a[i] / b[i] of pairs run side by side. */
    static double[] pairRatios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    /** The p-th percentile (nearest rank); p = 50 is the median (the mean of the middle two for even n). */
    static double percentile(double[] values, int p) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (p == 50) {
            int n = v.length;
            return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, rank - 1)];
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        return Long.parseLong(queryString(c, sql));
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
