package uz.himoya.store.port;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Every row one store holds of one data subject, as the map says: the port the access right (issue 13) builds
 * its package on, one implementation per kind of store (uz.himoya.store.postgres, uz.himoya.store.mysql). An
 * implementation is built for one validated map, one of its stores and that store's catalogue.
 *
 * <p>It reads the rows the erasure reaches, found the same way (the dialect's erasure planner gives both their
 * conditions): the subject table's row, the rows of tables that belong to the subject directly or through a
 * belongsTo chain, and the rows of referenced tables the subject's rows point at (referencedBy, a tombstone
 * never among them). Unlike the erasure it also reads a referenced row that another subject still points at:
 * the erasure keeps that row, but it is part of what the store holds about this subject (a shared address).
 * Per table it gives only the columns the map lists, with their data categories, never a column the map does
 * not name.
 *
 * <p>Tables come one after the other in the map's order, each streamed from the store in slices of
 * {@link #FETCH_SIZE} rows, so memory is one slice whatever the subject holds. Everything is read in one
 * read-only REPEATABLE READ snapshot ({@link ReadSnapshot}) and takes no lock: the app's writers never wait on
 * a read, and the tables agree with each other.
 *
 * <pre>{@code
 * SubjectRows rows = StoreDialects.of(store.kind()).rows(map, store.name(), catalogue);
 * try (Connection c = connections.open(store)) {
 *     Map<String, Long> counts = rows.read(c, subject.key(), (table, values) -> write(table, values));
 * }
 * }</pre>
 *
 * <p>For webhook systems see {@code uz.himoya.webhook.WebhookSubjectData}: the same question asked with a signed
 * access job, answered with the system's records (or later, by callback).
 */
public interface SubjectRows {

    /** Rows the store sends per round trip while a table streams. */
    int FETCH_SIZE = 1000;

    /** A column the map lists for a table, and its data category. */
    record Column(String name, String category) {
    }

    /** A table as its rows are given: its name and the map's columns, in the order of each row's values. */
    record Table(String name, List<Column> columns) {
        public Table {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Takes the rows as they stream. It must not use the connection being read (a streaming result set holds
     * it), and it must not keep the values list, which may be reused.
     */
    interface RowSink {
        /** A table begins; called for every table, also one that holds no row of the subject. */
        default void table(Table table) throws IOException {
        }

        /**
         * One row: its values in the table's column order, as Java values (String, Number, Boolean, a
         * java.time value, byte[]; other types as their text), null where the column is null.
         */
        void row(Table table, List<Object> values) throws IOException;
    }

    /** The tables it reads, in the map's order, with their columns. */
    List<Table> tables();

    /**
     * Streams the subject's rows, table by table in the map's order, into the sink, in one read-only snapshot
     * on a connection in auto-commit (the pooled connection's own settings come back after). Changes nothing,
     * locks nothing.
     *
     * @param subjectKey the subject's key as the subject table gives it (SubjectFinder)
     * @return the rows read per table, in the map's order
     * @throws IllegalArgumentException when the key cannot be a value of the column it is compared with, before
     *         anything is read (MySQL: an id like '12abc' would otherwise match 12)
     */
    Map<String, Long> read(Connection c, String subjectKey, RowSink sink) throws SQLException, IOException;
}
