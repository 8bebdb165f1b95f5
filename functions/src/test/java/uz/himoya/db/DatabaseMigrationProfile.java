package uz.himoya.db;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The functions artifact exporting databaseMigration. */
public class DatabaseMigrationProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.funqy.export", "databaseMigration");
    }
}
