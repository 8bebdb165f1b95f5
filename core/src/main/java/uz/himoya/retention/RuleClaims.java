package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * The claims on retention rules (retention_rule_claim), in plain JDBC on the caller's transaction: which sweep
 * invocation works a rule of an app, until when. Only one holder works a rule at a time; a claim that has
 * expired (its holder died, or stopped renewing) may be taken by another.
 *
 * <p>Why not an advisory lock: a session-level one pins the connection behind RDS Proxy for as long as the
 * rule is worked, and a transaction-level one ends with each batch's commit. A row lives across commits and
 * across connections, and a crashed holder's claim ends by itself at its expiry.
 */
final class RuleClaims {

    private RuleClaims() {
    }

    /**
     * Takes the claim on (app, rule) for holder until the given time, unless a live claim of another holder
     * stands. Two sweeps taking it at once: the second waits for the first's commit and then finds its claim.
     */
    static boolean take(Connection c, String app, String rule, UUID run, UUID holder, Instant now, Instant until)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO retention_rule_claim AS k (app_id, rule, run_id,"
                + " holder, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (app_id, rule) DO UPDATE SET run_id ="
                + " excluded.run_id, holder = excluded.holder, expires_at = excluded.expires_at"
                + " WHERE k.holder = excluded.holder OR k.expires_at <= ? RETURNING holder")) {
            ps.setString(1, app);
            ps.setString(2, rule);
            ps.setObject(3, run);
            ps.setObject(4, holder);
            ps.setTimestamp(5, RunStore.ts(until));
            ps.setTimestamp(6, RunStore.ts(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Moves the holder's claim on to a new expiry; false when the claim is no longer the holder's. */
    static boolean renew(Connection c, String app, String rule, UUID holder, Instant until) throws SQLException {
        return RunStore.update(c, "UPDATE retention_rule_claim SET expires_at = ? WHERE app_id = ? AND rule = ?"
                + " AND holder = ?", RunStore.ts(until), app, rule, holder) == 1;
    }

    /** Gives the claim up, if it is still the holder's. */
    static void release(Connection c, String app, String rule, UUID holder) throws SQLException {
        RunStore.update(c, "DELETE FROM retention_rule_claim WHERE app_id = ? AND rule = ? AND holder = ?", app,
                rule, holder);
    }
}
