package uz.himoya.db.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.funqy.Funq;
import java.sql.SQLException;
import uz.himoya.db.DatabaseMigration;
import uz.himoya.db.SqlErrors;

/**
 * The migration function (QUARKUS_FUNQY_EXPORT=databaseMigration), invoked once per deploy by the stack's
 * trigger (infra Migration) before any other function is updated. The trigger invokes it without a payload,
 * which Lambda hands over as an empty object; any other event is refused, so nothing but a deploy runs it.
 * A failure fails the invocation, and so the deploy: no function then runs against a schema it does not know.
 */
public class DatabaseMigrationFunction {
    private final DatabaseMigration migration;

    public DatabaseMigrationFunction(DatabaseMigration migration) {
        this.migration = migration;
    }

    @Funq("databaseMigration")
    public DatabaseMigration.Outcome databaseMigration(JsonNode event) {
        if (event != null && !event.isNull() && !(event.isObject() && event.isEmpty())) {
            throw new IllegalArgumentException("the migration function takes no event: a deploy invokes it");
        }
        try {
            return migration.run();
        } catch (SQLException e) {
            // The state code only: a driver message may quote a statement
            throw new IllegalStateException("database migration failed (" + SqlErrors.code(e) + ")");
        }
    }
}
