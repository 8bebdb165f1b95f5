package uz.himoya.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on Himoya's datasource, for the set-based SQL the workflows run beside Hibernate. Agroal
 * enlists the connection in the JTA transaction, so both share one commit. SQL errors surface as a state
 * code only: a driver message can quote values.
 */
@ApplicationScoped
public class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public Jdbc(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** On the caller's transaction (or none). */
    public <T> T call(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
    }

    /** In a transaction of its own, committed before this returns. */
    public <T> T inNewTransaction(Work<T> work) {
        return QuarkusTransaction.requiringNew().call(() -> call(work));
    }
}
