package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.referencedIds;
import static uz.himoya.infra.SynthesizedStack.render;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awscdk.assertions.Match;

/**
 * App stores reached from Himoya's own VPC (peering): one secret per store, the list of them in one
 * environment variable, read access on exactly those secrets, and egress to the stores' range only.
 */
class AppStoresTest {

    private static final String CRM_SECRET_ARN =
            "arn:aws:secretsmanager:eu-central-1:111122223333:secret:apps/crm-Xy12Ab";
    private static final String PEERED_RANGE = "10.20.0.0/16";

    private static SynthesizedStack stack;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.synthesize(Map.of(
                "stage", "test",
                "region", "eu-central-1",
                // unsorted on purpose, and in the short form "-c" delivers
                "appStores", "demo-shop,crm=" + CRM_SECRET_ARN + ",analytics",
                "vpcCidr", "10.42.0.0/16",
                "appStoreNetworks", PEERED_RANGE));
    }

    @Test
    void shouldCreateOnePlaceholderPerStore_whenStoreHasNoSecretArn() throws Exception {
        // Act
        Map<String, String> storeSecrets = placeholderSecretIds();

        // Assert: database credentials, Himoya's secret and SMTP placeholder, plus one per store without ARN
        stack.template.resourceCountIs("AWS::SecretsManager::Secret", 6);
        assertEquals(Set.of("analytics", "demo-shop"), storeSecrets.keySet());
        for (String id : storeSecrets.values()) {
            JsonNode secret = stack.resource(id);
            JsonNode placeholder = new ObjectMapper().readTree(secret.at("/Properties/SecretString").asText());
            List<String> keys = new ArrayList<>();
            placeholder.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("host", "port", "dbname", "username", "password"), keys);
            placeholder.forEach(value -> assertEquals("", value.asText(), "no credentials in the template"));
            assertEquals("Delete", secret.path("DeletionPolicy").asText(), "non-production secrets go with the stack");
        }
    }

    @Test
    void shouldListEveryStoreSortedAsConnectionEqualsArn_whenFunctionsGetTheEnvironment() {
        // Arrange
        Map<String, String> placeholders = placeholderSecretIds();
        String expected = "analytics=${" + placeholders.get("analytics") + "},crm=" + CRM_SECRET_ARN
                + ",demo-shop=${" + placeholders.get("demo-shop") + "}";

        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act
            JsonNode value = function.at("/Properties/Environment/Variables/" + AppStoreSecrets.ENVIRONMENT_VARIABLE);

            // Assert
            assertEquals(expected, render(value), function.at("/Properties/FunctionName").asText());
        }
        assertEquals(7, stack.himoyaFunctions().size());
        assertEquals(expected, render(stack.json.at("/Outputs/AppStoreSecretArns/Value")));
    }

    @Test
    void shouldGrantOnlyGetSecretValueOnExactlyTheStoreSecrets_whenAFunctionReadsThem() {
        // Arrange
        Set<String> placeholderIds = new HashSet<>(placeholderSecretIds().values());

        for (String functionId : stack.himoyaFunctions().keySet()) {
            // Act
            List<JsonNode> storeStatements = stack.roleStatements(functionId).stream()
                    .filter(s -> s.path("Resource").toString().contains(CRM_SECRET_ARN)
                            || referencedIds(s.path("Resource")).stream().anyMatch(placeholderIds::contains))
                    .toList();

            // Assert
            assertEquals(1, storeStatements.size(), functionId + ": " + storeStatements);
            JsonNode statement = storeStatements.get(0);
            assertEquals("Allow", statement.path("Effect").asText());
            assertEquals("\"secretsmanager:GetSecretValue\"", statement.path("Action").toString(), functionId);
            assertEquals(3, statement.path("Resource").size(), "the three store secrets, nothing else");
            assertEquals(placeholderIds, referencedIds(statement.path("Resource")));
            assertTrue(statement.path("Resource").toString().contains("\"" + CRM_SECRET_ARN + "\""));
        }
    }

    @Test
    void shouldGrantNoSecretsManagerActionOnAWildcard_whenStoresAreConfigured() {
        for (String functionId : stack.himoyaFunctions().keySet()) {
            for (JsonNode statement : stack.roleStatements(functionId)) {
                // Act
                String actions = statement.path("Action").toString();
                String resources = statement.path("Resource").toString();

                // Assert
                assertFalse(actions.contains("secretsmanager:") && resources.contains("*"), statement.toString());
            }
        }
    }

    @Test
    void shouldOpenTheStorePortsOnlyToThePeeredRange_whenAppStoreNetworksIsACidr() {
        // Act
        List<JsonNode> storeEgress = functionEgress().stream()
                .filter(rule -> PEERED_RANGE.equals(rule.path("CidrIp").asText()))
                .toList();

        // Assert
        assertEquals(Set.of(5432, 3306), new HashSet<>(storeEgress.stream().map(r -> r.path("FromPort").asInt()).toList()));
        storeEgress.forEach(rule -> {
            assertEquals("tcp", rule.path("IpProtocol").asText());
            assertEquals(rule.path("FromPort").asInt(), rule.path("ToPort").asInt());
        });
        assertTrue(functionEgress().stream().noneMatch(rule -> "0.0.0.0/0".equals(rule.path("CidrIp").asText())));
        stack.template.hasResourceProperties("AWS::EC2::VPC", Match.objectLike(Map.of("CidrBlock", "10.42.0.0/16")));
    }

    @Test
    void shouldWarnThatNoStoreIsReachable_whenStoresHaveNoNetwork() {
        // Arrange
        SynthesizedStack unreachable = SynthesizedStack.synthesize(Map.of(
                "stage", "test", "region", "eu-central-1", "appStores", "demo-shop"));

        // Assert
        unreachable.annotations.hasWarning("*", Match.stringLikeRegexp(".*appStores are configured.*"));
        assertEquals(List.of(), stack.annotations.findWarning("*",
                Match.stringLikeRegexp(".*appStores are configured.*")));
    }

    @Test
    void shouldAddNoStoreSecretVariableOrEgress_whenNoStoreIsConfigured() {
        // Arrange
        SynthesizedStack defaults = SynthesizedStack.defaults();

        // Act
        List<JsonNode> functions = new ArrayList<>(defaults.himoyaFunctions().values());

        // Assert
        functions.forEach(f -> assertTrue(f.at("/Properties/Environment/Variables/"
                + AppStoreSecrets.ENVIRONMENT_VARIABLE).isMissingNode()));
        defaults.template.resourceCountIs("AWS::SecretsManager::Secret", 4);
        assertTrue(defaults.json.at("/Outputs/AppStoreSecretArns").isMissingNode());
        assertFalse(defaults.json.toString().contains("\"FromPort\":3306"), "no MySQL port opened by default");
    }

    /** Logical ids of the placeholder store secrets by connection name, found by their description. */
    private static Map<String, String> placeholderSecretIds() {
        Map<String, String> found = new LinkedHashMap<>();
        stack.resources("AWS::SecretsManager::Secret").forEach((id, secret) -> {
            String description = secret.at("/Properties/Description").asText();
            for (String connection : List.of("analytics", "crm", "demo-shop")) {
                if (description.contains("app store " + connection + ",")) {
                    found.put(connection, id);
                }
            }
        });
        return found;
    }

    /** Egress rules of the functions' own security group, inline and separate. */
    private static List<JsonNode> functionEgress() {
        String groupId = SynthesizedStack.target(stack.resource(stack.functionId("http-api"))
                .at("/Properties/VpcConfig/SecurityGroupIds/0"));
        List<JsonNode> rules = new ArrayList<>();
        stack.resource(groupId).at("/Properties/SecurityGroupEgress").forEach(rules::add);
        stack.resources("AWS::EC2::SecurityGroupEgress").values().stream()
                .map(rule -> rule.get("Properties"))
                .filter(rule -> groupId.equals(SynthesizedStack.target(rule.path("GroupId"))))
                .forEach(rules::add);
        return rules;
    }
}
