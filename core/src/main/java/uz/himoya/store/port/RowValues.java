package uz.himoya.store.port;

import java.io.IOException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Arrays;
import java.util.Locale;

/**
 * Streams one table's rows of a subject into a {@link SubjectRows.RowSink}, whatever the dialect: the statement
 * reads {@link SubjectRows#FETCH_SIZE} rows per round trip (PostgreSQL does so inside a transaction, MariaDB
 * Connector/J whenever a fetch size is set), and each value comes out as a plain Java value.
 */
public final class RowValues {

    private RowValues() {
    }

    /** Runs the bound query and hands each row to the sink; returns the rows read. */
    public static long stream(PreparedStatement ps, SubjectRows.Table table, SubjectRows.RowSink sink)
            throws SQLException, IOException {
        ps.setFetchSize(SubjectRows.FETCH_SIZE);
        long rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            int n = table.columns().size();
            Object[] values = new Object[n];
            java.util.List<Object> view = java.util.Collections.unmodifiableList(Arrays.asList(values));
            while (rs.next()) {
                for (int i = 0; i < n; i++) {
                    values[i] = value(rs, md, i + 1);
                }
                sink.row(table, view);
                rows++;
            }
        }
        return rows;
    }

    /**
     * The value of one column as String, Number, Boolean, a java.time value or byte[]; a type that is none of
     * those (json, enum, inet, an array, MySQL's SET) as its text; null as null.
     */
    static Object value(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
        Object v = switch (md.getColumnType(i)) {
            case Types.DATE -> rs.getObject(i, LocalDate.class);
            case Types.TIME -> rs.getObject(i, LocalTime.class);
            case Types.TIME_WITH_TIMEZONE -> rs.getObject(i, OffsetTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(i, OffsetDateTime.class);
            // pgjdbc reports timestamptz as TIMESTAMP; its type name tells the two apart.
            case Types.TIMESTAMP -> md.getColumnTypeName(i).toLowerCase(Locale.ROOT).equals("timestamptz")
                    ? rs.getObject(i, OffsetDateTime.class)
                    : rs.getObject(i, LocalDateTime.class);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> rs.getBytes(i);
            default -> rs.getObject(i);
        };
        if (rs.wasNull() || v == null) {
            return null;
        }
        return switch (v) {
            case String s -> s;
            case Number x -> x;
            case Boolean b -> b;
            case byte[] b -> b;
            case java.time.temporal.Temporal t -> t;
            case java.sql.Timestamp t -> t.toLocalDateTime();
            case java.sql.Date d -> d.toLocalDate();
            case java.sql.Time t -> t.toLocalTime();
            case Blob b -> b.getBytes(1, Math.toIntExact(b.length()));
            case Clob c -> c.getSubString(1, Math.toIntExact(c.length()));
            default -> rs.getString(i);
        };
    }
}
