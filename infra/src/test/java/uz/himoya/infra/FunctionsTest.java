package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awscdk.assertions.Match;

class FunctionsTest {

    private static final List<String> FUNCTIONS = List.of(
            "http-api", "erasure-worker", "breach-notifier", "retention-sweep", "deadline-watchdog",
            "database-migration", "mail-feedback");
    private static final List<String> COMMON_ENVIRONMENT = List.of(
            "HIMOYA_STAGE", "HIMOYA_APPS", "QUARKUS_DATASOURCE_JDBC_URL", "HIMOYA_DB_SECRET_ARN",
            "HIMOYA_SECRETS_ARN", "HIMOYA_SMTP_SECRET_ARN", "QUARKUS_MAILER_HOST", "QUARKUS_MAILER_PORT",
            "QUARKUS_MAILER_START_TLS", "QUARKUS_MAILER_FROM", "HIMOYA_PUBLIC_BASE_URL", "JAVA_TOOL_OPTIONS",
            "HIMOYA_MAIL_SES_CONFIGURATION_SET");

    private static SynthesizedStack stack;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
    }

    @Test
    void shouldDefineSevenJava21SnapStartFunctions_whenStackIsSynthesized() {
        // Arrange
        Map<String, JsonNode> functions = stack.himoyaFunctions();

        // Act
        Set<String> names = functions.values().stream()
                .map(f -> f.at("/Properties/FunctionName").asText())
                .collect(Collectors.toSet());

        // Assert
        assertEquals(FUNCTIONS.stream().map(n -> "himoya-test-" + n).collect(Collectors.toSet()), names);
        functions.values().forEach(f -> {
            JsonNode props = f.get("Properties");
            String name = props.get("FunctionName").asText();
            assertEquals("java21", props.path("Runtime").asText(), name);
            assertEquals("PublishedVersions", props.at("/SnapStart/ApplyOn").asText(), name);
            assertEquals("x86_64", props.at("/Architectures/0").asText(), name);
            assertEquals(512, props.path("MemorySize").asInt(), name);
        });
    }

    @Test
    void shouldPointALiveAliasAtAPublishedVersion_whenFunctionIsDefined() {
        // Arrange
        Map<String, JsonNode> versions = stack.resources("AWS::Lambda::Version");

        for (String functionId : stack.himoyaFunctions().keySet()) {
            // Act
            JsonNode alias = stack.resource(stack.aliasId(functionId, "live"));

            // Assert
            String versionId = target(alias.at("/Properties/FunctionVersion"));
            assertTrue(versions.containsKey(versionId), functionId + " alias must point at a published version");
            assertEquals(functionId, target(versions.get(versionId).at("/Properties/FunctionName")));
        }
    }

    @Test
    void shouldGiveEveryFunctionItsOwnRole_whenFunctionsAreDefined() {
        // Arrange
        Map<String, JsonNode> roles = stack.resources("AWS::IAM::Role");

        // Act
        List<String> roleIds = stack.himoyaFunctions().values().stream()
                .map(f -> target(f.at("/Properties/Role")))
                .toList();

        // Assert
        assertEquals(FUNCTIONS.size(), new HashSet<>(roleIds).size(), "no two functions share a role");
        roleIds.forEach(id -> assertTrue(roles.containsKey(id), "role " + id + " is defined in the stack"));
    }

    @Test
    void shouldLogToOwnLogGroupWithRetention_whenFunctionIsDefined() {
        // Arrange
        Map<String, JsonNode> logGroups = stack.resources("AWS::Logs::LogGroup");

        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act
            JsonNode logGroup = logGroups.get(target(function.at("/Properties/LoggingConfig/LogGroup")));

            // Assert
            String name = function.at("/Properties/FunctionName").asText();
            assertTrue(logGroup != null, name + " has an explicit log group");
            assertEquals("/aws/lambda/" + name, logGroup.at("/Properties/LogGroupName").asText());
            assertEquals(30, logGroup.at("/Properties/RetentionInDays").asInt(), name);
            assertEquals("Delete", logGroup.path("DeletionPolicy").asText(), "non-production logs go with the stack");
        }
    }

    @Test
    void shouldPassCommonEnvironment_whenFunctionIsDefined() {
        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act
            JsonNode variables = function.at("/Properties/Environment/Variables");

            // Assert
            String name = function.at("/Properties/FunctionName").asText();
            COMMON_ENVIRONMENT.forEach(key -> assertTrue(variables.has(key), name + " lacks " + key));
            assertEquals("test", variables.get("HIMOYA_STAGE").asText());
            assertEquals("demo", variables.get("HIMOYA_APPS").asText());
            assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", variables.get("JAVA_TOOL_OPTIONS").asText());
            assertEquals("email-smtp.eu-central-1.amazonaws.com", variables.get("QUARKUS_MAILER_HOST").asText());
            assertEquals("587", variables.get("QUARKUS_MAILER_PORT").asText());
            assertEquals("REQUIRED", variables.get("QUARKUS_MAILER_START_TLS").asText());
            assertEquals("no-reply@example.com", variables.get("QUARKUS_MAILER_FROM").asText());
            String jdbc = variables.get("QUARKUS_DATASOURCE_JDBC_URL").toString();
            assertTrue(jdbc.contains("jdbc:postgresql://") && jdbc.contains(":5432/himoya"), jdbc);
            assertEquals("AWS::RDS::DBProxy", typeOf(variables.get("QUARKUS_DATASOURCE_JDBC_URL")));
            assertEquals("AWS::ApiGatewayV2::Api", typeOf(variables.get("HIMOYA_PUBLIC_BASE_URL")));
        }
    }

    @Test
    void shouldServeOnlyBundledMaps_whenFunctionIsDeployed() {
        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act
            JsonNode variables = function.at("/Properties/Environment/Variables");

            // Assert: himoya.map-dir is the local run's; a deployed map is the reviewed file in the zip
            String name = function.at("/Properties/FunctionName").asText();
            variables.fieldNames().forEachRemaining(key -> assertTrue(!key.startsWith("HIMOYA_MAP_DIR"),
                    name + " must not read maps from a folder: " + key));
        }
    }

    @Test
    void shouldExportTheRightFunqyFunction_whenBackgroundFunctionIsDefined() {
        // Arrange
        Map<String, String> exports = Map.of(
                "erasure-worker", "erasureWorker",
                "breach-notifier", "breachNotifier",
                "retention-sweep", "retentionSweep",
                "deadline-watchdog", "deadlineWatchdog",
                "mail-feedback", "mailFeedback");

        exports.forEach((name, export) -> {
            // Act
            JsonNode variables = stack.resource(stack.functionId(name)).at("/Properties/Environment/Variables");

            // Assert
            assertEquals(export, variables.path("QUARKUS_FUNQY_EXPORT").asText(), name);
        });
        assertTrue(stack.resource(stack.functionId("http-api"))
                .at("/Properties/Environment/Variables/QUARKUS_FUNQY_EXPORT").isMissingNode());
    }

    @Test
    void shouldDeployHttpPackageOnlyToHttpFunction_whenTwoPackagesAreGiven() {
        // Act
        Map<String, String> codeKeys = FUNCTIONS.stream().collect(Collectors.toMap(name -> name,
                name -> stack.resource(stack.functionId(name)).at("/Properties/Code/S3Key").asText()));

        // Assert
        assertNotEquals(codeKeys.get("http-api"), codeKeys.get("erasure-worker"));
        assertEquals(1, codeKeys.entrySet().stream()
                .filter(e -> !e.getKey().equals("http-api")).map(Map.Entry::getValue).distinct().count(),
                "the four background functions share one package");
    }

    @Test
    void shouldGiveHttpFunctionTheQueueUrlsItSendsTo_whenStackIsSynthesized() {
        // Act
        JsonNode variables = stack.resource(stack.functionId("http-api")).at("/Properties/Environment/Variables");

        // Assert
        assertEquals("AWS::SQS::Queue", typeOf(variables.get("HIMOYA_QUEUE_ERASURE_URL")));
        assertEquals("AWS::SQS::Queue", typeOf(variables.get("HIMOYA_QUEUE_BREACH_URL")));
        assertEquals(15, stack.resource(stack.functionId("http-api")).at("/Properties/Timeout").asInt());
        assertEquals(900, stack.resource(stack.functionId("retention-sweep")).at("/Properties/Timeout").asInt());
    }

    @Test
    void shouldAlarmOnErrorsAndThrottles_whenFunctionIsDefined() {
        for (String functionId : stack.himoyaFunctions().keySet()) {
            for (String metric : List.of("Errors", "Throttles")) {
                // Assert
                stack.template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", metric,
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", functionId))),
                        "Period", 300,
                        "Threshold", 1,
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "AlarmActions", Match.anyValue())));
            }
        }
    }

    private static String typeOf(JsonNode value) {
        Set<String> ids = SynthesizedStack.referencedIds(value);
        assertEquals(1, ids.size(), "one reference in " + value);
        return stack.resource(ids.iterator().next()).path("Type").asText();
    }
}
