package uz.himoya.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC on Himoya's datasource: the one way Himoya reaches its own tables (no ORM). Agroal enlists the
 * connection in the JTA transaction, so every statement of a QuarkusTransaction or @Transactional block
 * shares its commit. SQL errors surface as a state code only: a driver message can quote values.
 *
 * <pre>{@code
 * List<UUID> ids = jdbc.list("SELECT id FROM deletion_request WHERE app_id = ?",
 *         ps -> ps.setString(1, appId), rs -> rs.getObject(1, UUID.class));
 * }</pre>
 */
@ApplicationScoped
public class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    public interface Params {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Reads the row at the cursor. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
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

    /** Every row of one query, in the result's order, on the caller's transaction (or none). */
    public <T> List<T> list(String sql, Params params, Row<T> row) {
        return call(c -> list(c, sql, params, row));
    }

    /** The same for a query without parameters. */
    public <T> List<T> list(String sql, Row<T> row) {
        return list(sql, ps -> {
        }, row);
    }

    /** Every row of one query on a connection the caller holds (one of several statements of its work). */
    public static <T> List<T> list(Connection c, String sql, Params params, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            params.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
                return rows;
            }
        }
    }

    /** One INSERT, UPDATE or DELETE on a connection the caller holds; the rows it changed. */
    public static int update(Connection c, String sql, Params params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            params.bind(ps);
            return ps.executeUpdate();
        }
    }
}
