package uz.himoya.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * himoya.store-work-limit: a store connection held longer than the limit is aborted. Statement timeouts bound
 * one statement; an erasure sends two per table in one transaction, so only a bound on the whole piece of work
 * keeps it inside the function's Lambda timeout. Lambda killing the function at its timeout would roll the
 * store back just the same (the connection dies with the process), but it records nothing: the request's step
 * would show no error, and every retry would run into the same wall unseen. Aborted here, the work fails with
 * SQL state {@value #STATE} (query canceled: transient, so retried) while there is time to record it.
 *
 * <p>Aborting closes the driver's connection: the store rolls the transaction back, and the pool drops the
 * connection instead of handing it out again (WorkLimitTest, with the pool StoreConnections uses).
 */
final class WorkLimit {
    /** PostgreSQL's query_canceled, which uz.himoya.db.SqlErrors counts as transient. */
    static final String STATE = "57014";
    private static final Logger LOG = Logger.getLogger(WorkLimit.class);
    /** Runs the aborts; the connection's own work never waits for it. */
    private static final Executor ABORTS = Runnable::run;

    private WorkLimit() {
    }

    /** The connection, aborted if it is not closed within the limit. */
    static Connection guard(Connection c, Duration limit, String connectionName) {
        Guard g = new Guard(c);
        CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> g.abortIfOpen(connectionName));
        return (Connection) Proxy.newProxyInstance(WorkLimit.class.getClassLoader(),
                new Class<?>[] {Connection.class}, g);
    }

    private static final class Guard implements InvocationHandler {
        private static final int OPEN = 0;
        private static final int CLOSED = 1;
        private static final int ABORTED = 2;
        private final Connection target;
        private final AtomicInteger state = new AtomicInteger(OPEN);

        Guard(Connection target) {
            this.target = target;
        }

        void abortIfOpen(String connectionName) {
            if (state.compareAndSet(OPEN, ABORTED)) {
                LOG.warnf("store %s: work over himoya.store-work-limit, connection aborted", connectionName);
                try {
                    // The driver's own connection: Agroal's wrapper would only detach itself (3.0: its abort
                    // aborts the closed placeholder it swaps in), leaving the statement running.
                    target.unwrap(Connection.class).abort(ABORTS);
                } catch (SQLException | RuntimeException e) {
                    LOG.warnf("store %s: abort failed (%s)", connectionName, e.getClass().getName());
                }
            }
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close") && method.getParameterCount() == 0) {
                // aborted or not, the wrapper goes back, so the pool frees its slot
                state.compareAndSet(OPEN, CLOSED);
                target.close();
                return null;
            }
            Object result = call(target, method, args);
            if (result instanceof Statement s && method.getReturnType().isInterface()) {
                // statements executing when the abort comes fail through their own objects
                return Proxy.newProxyInstance(WorkLimit.class.getClassLoader(),
                        new Class<?>[] {method.getReturnType()}, (p, m, a) -> call(s, m, a));
            }
            return result;
        }

        private Object call(Object on, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(on, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (state.get() == ABORTED && cause instanceof SQLException) {
                    // no cause attached: a driver's message can quote the statement's values
                    throw new SQLTransientException("store work over its time limit", STATE);
                }
                throw cause;
            }
        }
    }
}
