package uz.himoya.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures leave the work to be retried: timeouts of either dialect are outages, not verdicts. */
class SqlErrorsTest {

    @Test
    void timeoutsAndOutagesAreTransient() {
        for (String state : new String[] {"57014", "70100", "08006", "40001", "40P01", "53300", "55P03"}) {
            assertTrue(SqlErrors.transientFailure(new SQLException("x", state)), state);
        }
        assertTrue(SqlErrors.transientFailure(new IllegalStateException(new SQLException("x", "57014"))));
    }

    @Test
    void anythingElseIsTheWorksOwnFailure() {
        for (String state : new String[] {"42P01", "23503", "22001", "HY000"}) {
            assertFalse(SqlErrors.transientFailure(new SQLException("x", state)), state);
        }
        assertEquals("sql-70100", SqlErrors.code(new SQLException("quoted value 'x'", "70100")));
    }
}
