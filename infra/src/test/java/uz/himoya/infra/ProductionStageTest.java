package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awscdk.assertions.Match;

/** The stack as production would deploy it, with every optional context value given. */
class ProductionStageTest {

    private static final String SMTP_SECRET_ARN =
            "arn:aws:secretsmanager:eu-central-1:111122223333:secret:himoya/smtp-AbCdEf";

    private static SynthesizedStack stack;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.synthesize(Map.ofEntries(
                Map.entry("stage", "prod"),
                Map.entry("region", "eu-central-1"),
                Map.entry("apps", "demo,shop"),
                Map.entry("memory", "1024"),
                Map.entry("maxConcurrency", "7"),
                Map.entry("logRetentionDays", "90"),
                Map.entry("smtpSecretArn", SMTP_SECRET_ARN),
                Map.entry("mailFrom", "privacy@himoya.uz"),
                Map.entry("mailFromDomain", "himoya.uz"),
                Map.entry("alarmEmail", "ops@himoya.uz"),
                Map.entry("configRevision", "2026-11-keys"),
                // as cdk.json holds it: a list of objects
                Map.entry("appStores", List.of(Map.of("connection", "shop"))),
                Map.entry("appStoreNetworks", "10.20.0.0/16")));
    }

    @Test
    void shouldProtectTheDatabase_whenStageIsProd() {
        // Assert
        stack.template.hasResource("AWS::RDS::DBCluster", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("DeletionProtection", true, "StorageEncrypted", true)),
                "DeletionPolicy", "Snapshot")));
    }

    @Test
    void shouldKeepLogsAndSecrets_whenProdStackIsRemoved() {
        // Assert
        stack.resources("AWS::Logs::LogGroup").forEach((id, logGroup) -> {
            assertEquals("Retain", logGroup.path("DeletionPolicy").asText(), id);
            assertEquals(90, logGroup.at("/Properties/RetentionInDays").asInt(), id);
        });
        stack.resources("AWS::SecretsManager::Secret").forEach((id, secret) ->
                assertEquals("Retain", secret.path("DeletionPolicy").asText(), id));
    }

    @Test
    void shouldApplyContextOverrides_whenContextGivesThem() {
        // Assert
        stack.himoyaFunctions().values().forEach(f -> {
            assertEquals(1024, f.at("/Properties/MemorySize").asInt());
            assertEquals("demo,shop", f.at("/Properties/Environment/Variables/HIMOYA_APPS").asText());
            assertEquals("privacy@himoya.uz", f.at("/Properties/Environment/Variables/QUARKUS_MAILER_FROM").asText());
            assertEquals("2026-11-keys", f.at("/Properties/Environment/Variables/HIMOYA_CONFIG_REVISION").asText());
        });
        stack.resources("AWS::Lambda::EventSourceMapping").values().forEach(m ->
                assertEquals(7, m.at("/Properties/ScalingConfig/MaximumConcurrency").asInt()));
    }

    @Test
    void shouldUseTheGivenSmtpSecret_whenSmtpSecretArnIsGiven() {
        // Act
        JsonNode variables = stack.resource(stack.functionId("breach-notifier")).at("/Properties/Environment/Variables");

        // Assert
        assertEquals(SMTP_SECRET_ARN, variables.path("HIMOYA_SMTP_SECRET_ARN").asText());
        // generated database credentials (owner and application role), Himoya's own secret and the
        // placeholder of store "shop"; no SMTP placeholder
        stack.template.resourceCountIs("AWS::SecretsManager::Secret", 4);
        assertTrue(stack.json.toString().contains(SMTP_SECRET_ARN + "\""), "read access is granted on it");
    }

    @Test
    void shouldReadTheStoreFromAJsonList_whenCdkJsonListsAppStores() {
        // Act
        String value = SynthesizedStack.render(stack.resource(stack.functionId("erasure-worker"))
                .at("/Properties/Environment/Variables/" + AppStoreSecrets.ENVIRONMENT_VARIABLE));

        // Assert: one store, its placeholder secret (kept on removal like every prod secret, above)
        assertTrue(value.matches("shop=\\$\\{AppStores\\w+}"), value);
    }

    @Test
    void shouldCreateMailIdentityAndAlarmSubscription_whenDomainAndEmailAreGiven() {
        // Assert
        stack.template.hasResourceProperties("AWS::SES::EmailIdentity",
                Match.objectLike(Map.of("EmailIdentity", "himoya.uz")));
        stack.template.hasResourceProperties("AWS::SNS::Subscription",
                Match.objectLike(Map.of("Protocol", "email", "Endpoint", "ops@himoya.uz")));
    }

    @Test
    void shouldExplainHowToBuild_whenAFunctionPackageIsMissing() {
        // Arrange
        Map<String, Object> context = Map.of("stage", "dev", "http", "/nonexistent/function.zip");

        // Act
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SynthesizedStack.synthesize(context));

        // Assert
        assertTrue(error.getMessage().contains("./mvnw -B package -DskipTests"), error.getMessage());
    }
}
