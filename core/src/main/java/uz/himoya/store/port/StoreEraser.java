package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import uz.himoya.erasure.TableOutcome;

/** One store's part of an app's erasure: set-based, one statement per table, children before parents. */
public interface StoreEraser {

    /** The tables it erases, in erasure order; empty when the map keeps nothing of the subject there. */
    List<String> tables();

    /**
     * Erases the subject's rows of every table on a connection whose transaction the caller owns (auto-commit
     * off), so the tables and the caller's ledger row commit together or not at all; the caller rolls back
     * after any exception.
     *
     * @throws uz.himoya.db.RowGuard.Violation when a table's rows changed are not its rows counted
     */
    List<TableOutcome> erase(Connection c, String subjectKey) throws SQLException;

    /** The receipt lines for counts recorded earlier (a ledger row), in erasure order. */
    List<TableOutcome> outcomes(Map<String, Long> rows);
}
