package uz.himoya.db;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What tells one row of a table (known as {@code t} in the statement) from every other row that a statement
 * on that table can reach, partitions and inheritance children included:
 *
 * <ul>
 * <li>the primary key, where it is unique across everything the statement reaches: a plain table, or a
 * partitioned table (PostgreSQL makes a partitioned table's primary key contain the partition key, so it is
 * unique across all partitions);</li>
 * <li>otherwise {@code (tableoid, ctid)}: a table without a primary key, or the parent of inheritance
 * children (a parent's primary key does not cover its children, whose rows may repeat its key values).</li>
 * </ul>
 *
 * <p>Never {@code ctid} alone: a ctid is a physical address inside one table, and every partition has its own
 * address space, so "ctid = (0,1)" on a partitioned parent matches the first row of every partition (issue
 * 9). Inside one statement whose rows were picked {@code FOR UPDATE}, a picked row cannot move, so
 * {@code (tableoid, ctid)} stays exact from the pick to the change.
 *
 * @param expressions SQL for each part, on alias t (quoted columns, or t.tableoid and t.ctid)
 * @param types       each part's SQL type, for casting a stored cursor back
 */
public record RowIdentity(List<String> expressions, List<String> types) {

    public RowIdentity {
        if (expressions.isEmpty() || expressions.size() != types.size()) {
            throw new IllegalArgumentException("a row identity needs one type per part");
        }
        expressions = List.copyOf(expressions);
        types = List.copyOf(types);
    }

    /** Key columns, already quoted, with their types. */
    public static RowIdentity key(List<String> quotedColumns, List<String> types) {
        return new RowIdentity(quotedColumns.stream().map(c -> "t." + c).toList(), types);
    }

    /** The physical address, qualified by the table (partition or child) that holds the row. */
    public static RowIdentity physical() {
        return new RowIdentity(List.of("t.tableoid", "t.ctid"), List.of("oid", "tid"));
    }

    public boolean isPhysical() {
        return expressions.equals(List.of("t.tableoid", "t.ctid"));
    }

    public int size() {
        return expressions.size();
    }

    /** The select list of the picked CTE: each part as himoya_k0, himoya_k1, ... */
    public String select() {
        return String.join(", ", IntStream.range(0, size()).mapToObj(i -> expressions.get(i) + " AS " + k(i))
                .toList());
    }

    /** The parts in order, for ORDER BY. */
    public String orderBy() {
        return String.join(", ", expressions);
    }

    /**
     * The change's WHERE: the row is one of those picked. A single key is matched as {@code = ANY(ARRAY(...))},
     * which PostgreSQL serves with an index scan per value; the physical address adds a TID scan on ctid
     * before the exact (tableoid, ctid) test, so a batch never scans a whole partition.
     */
    public String inPicked() {
        if (isPhysical()) {
            return "t.ctid = ANY(ARRAY(SELECT himoya_k1 FROM picked)) AND (t.tableoid, t.ctid) IN (SELECT"
                    + " himoya_k0, himoya_k1 FROM picked)";
        }
        if (size() == 1) {
            return expressions.get(0) + " = ANY(ARRAY(SELECT himoya_k0 FROM picked))";
        }
        return "(" + orderBy() + ") IN (SELECT " + picked("") + " FROM picked)";
    }

    /** The picked CTE's identity columns, each with a suffix (" DESC", "::text", or nothing). */
    public String picked(String suffix) {
        return picked("", suffix);
    }

    /** The same, on a row alias (e.g. "l."). */
    public String picked(String alias, String suffix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            out.add(alias + k(i) + suffix);
        }
        return String.join(", ", out);
    }

    /** (CAST(? AS type), ...) for the parts, in order. */
    public String placeholders() {
        return String.join(", ", types.stream().map(t -> "CAST(? AS " + t + ")").toList());
    }

    private static String k(int i) {
        return "himoya_k" + i;
    }
}
