package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One read-only REPEATABLE READ transaction on a store connection, for reads that span several statements
 * (keyset pages) and must see one state of the store. On a connection already inside a transaction (auto-commit
 * off) it changes nothing: the caller's transaction is the snapshot. {@link #close} ends the transaction and
 * gives the connection back its auto-commit, read-only and isolation settings, so a pooled connection leaves
 * as it came.
 *
 * <p>PostgreSQL and InnoDB both hold such a snapshot without locks; it only keeps old row versions alive for
 * its duration, which is one resolution.
 */
public final class ReadSnapshot implements AutoCloseable {
    private final Connection c;
    private final boolean began;
    private final boolean readOnly;
    private final int isolation;

    public ReadSnapshot(Connection c) throws SQLException {
        this.c = c;
        this.began = c.getAutoCommit();
        this.readOnly = c.isReadOnly();
        this.isolation = c.getTransactionIsolation();
        if (began) {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
        }
    }

    @Override
    public void close() throws SQLException {
        if (!began) {
            return;
        }
        try {
            c.rollback(); // read-only: nothing to keep, and a failed read leaves nothing to undo either
        } finally {
            c.setAutoCommit(true);
            c.setTransactionIsolation(isolation);
            c.setReadOnly(readOnly);
        }
    }
}
