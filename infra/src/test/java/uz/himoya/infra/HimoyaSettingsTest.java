package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HimoyaSettingsTest {

    private static HimoyaSettings read(Map<String, Object> context, Map<String, String> env) {
        return HimoyaSettings.from(context::get, env::get);
    }

    @Test
    void shouldUseDocumentedDefaults_whenNoContextIsGiven() {
        // Act
        HimoyaSettings settings = read(Map.of(), Map.of());

        // Assert
        assertEquals("dev", settings.stage());
        assertEquals("eu-central-1", settings.region());
        assertEquals("demo", settings.apps());
        assertEquals(512, settings.memoryMb());
        assertEquals(5, settings.maxConcurrency());
        assertEquals(30, settings.logRetentionDays());
        assertEquals("../http/target/function.zip", settings.httpAsset());
        assertEquals("../functions/target/function.zip", settings.functionsAsset());
        assertEquals("no-reply@example.com", settings.mailFrom());
        assertNull(settings.smtpSecretArn());
        assertNull(settings.mailFromDomain());
        assertNull(settings.alarmEmail());
        assertEquals("1", settings.configRevision());
        assertEquals("himoya-dev", settings.prefix());
        assertFalse(settings.isProduction());
    }

    @Test
    void shouldTakeTheCliRegion_whenNoRegionContextIsGiven() {
        // Act
        HimoyaSettings settings = read(Map.of(), Map.of("CDK_DEFAULT_REGION", "eu-west-1"));

        // Assert
        assertEquals("eu-west-1", settings.region());
    }

    @Test
    void shouldPreferContext_whenBothContextAndEnvironmentNameARegion() {
        // Act
        HimoyaSettings settings = read(Map.of("region", "eu-north-1", "stage", "prod", "memory", "1024",
                "maxConcurrency", 10.0, "apps", "demo,shop-uz"), Map.of("CDK_DEFAULT_REGION", "eu-west-1"));

        // Assert
        assertEquals("eu-north-1", settings.region());
        assertEquals(1024, settings.memoryMb());
        assertEquals(10, settings.maxConcurrency());
        assertEquals("demo,shop-uz", settings.apps());
        assertTrue(settings.isProduction());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "maxConcurrency, 1",
        "maxConcurrency, 1001",
        "logRetentionDays, 31",
        "memory, 64",
        "memory, 512.5",
        "memory, lots",
        "stage, Prod",
        "stage, prod_eu",
        "apps, Demo",
        "mailFrom, nobody"
    })
    void shouldRefuseToSynthesize_whenAContextValueIsInvalid(String key, String value) {
        // Arrange
        Map<String, Object> context = Map.of(key, value);

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> read(context, Map.of()));

        // Assert
        assertTrue(error.getMessage().toLowerCase().contains(key.toLowerCase()), error.getMessage());
    }
}
