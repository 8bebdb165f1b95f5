package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.percentile;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The driver of the benchmarks that run Himoya beside a baseline doing the same work in the same session: rounds
 * in which every side runs once, always in the order given (Himoya first), warm-up rounds first (run, not kept),
 * then the measured ones, each run's figures kept per side; and the report's shared parts: the table of medians,
 * the ratio lines, the goal line and the per-run listing.
 *
 * <p>The driver times nothing itself: a side's untimed reset, its timed body and its check are the benchmark's
 * own code, so what each benchmark times stands in that benchmark, next to the work it times.
 */
final class Pairs {

    @FunctionalInterface
    interface Run {
        /** One run of a side: its reset (untimed), its timed body, its check; the run's figures, its time first. */
        double[] run() throws Exception;
    }

    /** A side: its row's label in the table, its name in the per-run listing, and its run. */
    record Side(String label, String name, Run run) {
    }

    @FunctionalInterface
    interface Round {
        /** After each round, the warm-up ones too (round &lt; 0, counting up to 0): each side's figures, in order. */
        void done(int round, double[][] figures) throws Exception;
    }

    /**
     * A column of the table: its heading and width, and its value from one side's figures ([figure][run]), in
     * {@code number} (a {@link String#format} pattern such as "%.2f" or "%,.0f"), right-aligned.
     */
    record Column(String heading, int width, String number, ToDoubleFunction<double[][]> value) {
        /** The p-th percentile of a figure (p = 50: the median). */
        static Column percentileOf(String heading, int width, String number, int figure, int p) {
            return new Column(heading, width, number, runs -> percentile(runs[figure], p));
        }

        static Column minOf(String heading, int width, String number, int figure) {
            return new Column(heading, width, number, runs -> Arrays.stream(runs[figure]).min().orElseThrow());
        }

        static Column maxOf(String heading, int width, String number, int figure) {
            return new Column(heading, width, number, runs -> Arrays.stream(runs[figure]).max().orElseThrow());
        }

        /** How many of {@code units} a second the median run gets through, figure f being milliseconds. */
        static Column perSecond(String heading, int width, String number, int figure, double units) {
            return new Column(heading, width, number, runs -> units / (percentile(runs[figure], 50) / 1000));
        }
    }

    private Pairs() {
    }

    /**
     * Runs {@code warmUp} rounds, then {@code measured} rounds whose figures it keeps; the machine's load average
     * is read before the first round and after the last (the machine is shared).
     */
    static Runs measure(int warmUp, int measured, List<Side> sides, Round round) throws Exception {
        String loadBefore = Bench.loadAverage();
        double[][][] kept = new double[sides.size()][][];
        for (int i = -warmUp; i < measured; i++) {
            double[][] figures = new double[sides.size()][];
            for (int s = 0; s < sides.size(); s++) {
                figures[s] = sides.get(s).run().run();
            }
            if (i >= 0) {
                for (int s = 0; s < sides.size(); s++) {
                    if (kept[s] == null) {
                        kept[s] = new double[figures[s].length][measured];
                    }
                    for (int f = 0; f < figures[s].length; f++) {
                        kept[s][f][i] = figures[s][f];
                    }
                }
            }
            round.done(i, figures);
        }
        return new Runs(sides, warmUp, measured, kept, loadBefore + " -> " + Bench.loadAverage());
    }

    /** The measured runs without a line per round. */
    static Runs measure(int warmUp, int measured, List<Side> sides) throws Exception {
        return measure(warmUp, measured, sides, (i, figures) -> {
        });
    }

    /** The goal line, after a blank one; a ratio above the goal never sets the exit code. */
    static void goal(double goal, double ratio) {
        System.out.println();
        System.out.printf("  goal: ratio <= %.2f -> %s%n", goal, ratio <= goal ? "PASS" : "FAIL");
    }

    /** What the measured rounds gave: per side, per figure, per run. */
    static final class Runs {
        private final List<Side> sides;
        private final int warmUp;
        private final int measured;
        private final double[][][] figures;
        private final String load;

        private Runs(List<Side> sides, int warmUp, int measured, double[][][] figures, String load) {
            this.sides = sides;
            this.warmUp = warmUp;
            this.measured = measured;
            this.figures = figures;
            this.load = load;
        }

        int warmUp() {
            return warmUp;
        }

        int measured() {
            return measured;
        }

        /** The 1, 5 and 15 minute load averages before the first round, then after the last. */
        String load() {
            return load;
        }

        /** Side s's figure f, one value per measured run (figure 0 is the time). */
        double[] figure(int s, int f) {
            return figures[s][f];
        }

        /** The ratio of the medians of figure f, side a over side b. */
        double ratio(int a, int b, int f) {
            return percentile(figure(a, f), 50) / percentile(figure(b, f), 50);
        }

        /** The ratios of figure f, side a over side b, pair by pair: a pair's runs are adjacent, so drift hits both. */
        double[] pairRatios(int a, int b, int f) {
            return Bench.pairRatios(figure(a, f), figure(b, f));
        }

        /** The median of {@link #pairRatios}. */
        double pairsRatio(int a, int b, int f) {
            return percentile(pairRatios(a, b, f), 50);
        }

        /** Prints the table's headings and a row per side, labels {@code labelWidth} wide; returns it for ratio lines. */
        Table table(int labelWidth, Column... columns) {
            Table t = new Table(labelWidth, List.of(columns));
            StringBuilder head = new StringBuilder(String.format("  %-" + labelWidth + "s", ""));
            for (Column c : columns) {
                head.append(' ').append(pad(c.heading(), c.width()));
            }
            System.out.println(head);
            for (int s = 0; s < sides.size(); s++) {
                StringBuilder row = new StringBuilder(String.format("  %-" + labelWidth + "s", sides.get(s).label()));
                for (Column c : columns) {
                    row.append(' ').append(pad(String.format(c.number(), c.value().applyAsDouble(figures[s])),
                            c.width()));
                }
                System.out.println(row);
            }
            return t;
        }

        /** After a blank line, each side's times run by run, in {@code number} (e.g. "%.1f"), in {@code unit}. */
        void listing(String unit, String number) {
            System.out.println();
            int width = sides.stream().mapToInt(s -> (s.name() + " " + unit + " per run:").length()).max().orElse(0);
            for (int s = 0; s < sides.size(); s++) {
                String label = sides.get(s).name() + " " + unit + " per run:";
                System.out.println("  " + label + " ".repeat(width - label.length() + 1) + Bench.list(figure(s, 0),
                        number));
            }
        }
    }

    /** The printed table, for the lines of ratios under it (in its label and first column's widths). */
    static final class Table {
        private final int labelWidth;
        private final int valueWidth;

        private Table(int labelWidth, List<Column> columns) {
            this.labelWidth = labelWidth;
            this.valueWidth = columns.get(0).width();
        }

        void line(String label, double ratio) {
            System.out.println(labelled(label, ratio));
        }

        /** A ratio line with a note in parentheses after it. */
        void line(String label, double ratio, String note) {
            System.out.println(labelled(label, ratio) + "   (" + note + ")");
        }

        private String labelled(String label, double ratio) {
            return String.format("  %-" + labelWidth + "s ", label) + pad(String.format("%.2f", ratio), valueWidth);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
