package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awscdk.assertions.Match;

class SecurityTest {

    private static SynthesizedStack stack;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
    }

    @Test
    void shouldConnectThroughTlsOnlyProxyWithSecretsManagerAuth_whenFunctionsUseTheDatabase() {
        // Arrange
        Map<String, JsonNode> proxies = stack.resources("AWS::RDS::DBProxy");

        // Act
        JsonNode proxy = proxies.values().iterator().next().get("Properties");

        // Assert
        assertEquals(1, proxies.size());
        assertTrue(proxy.path("RequireTLS").asBoolean());
        assertEquals("POSTGRESQL", proxy.path("EngineFamily").asText());
        assertEquals("SECRETS", proxy.at("/Auth/0/AuthScheme").asText());
        JsonNode secretSource = stack.resource(target(proxy.at("/Auth/0/SecretArn")));
        assertTrue(secretSource.path("Type").asText().startsWith("AWS::SecretsManager::"), secretSource.toString());
    }

    @Test
    void shouldRunEncryptedServerlessV2Aurora_whenStageIsNotProd() {
        // Assert
        stack.template.hasResourceProperties("AWS::RDS::DBCluster", Match.objectLike(Map.of(
                "Engine", "aurora-postgresql",
                "StorageEncrypted", true,
                "DeletionProtection", false,
                "DatabaseName", "himoya",
                "ServerlessV2ScalingConfiguration", Match.anyValue())));
        stack.template.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.of(
                "DBInstanceClass", "db.serverless", "PubliclyAccessible", false)));
    }

    @Test
    void shouldOpenTheProxyPortOnlyToFunctions_whenNetworkIsBuilt() {
        // Arrange
        String proxySecurityGroup = target(stack.resources("AWS::RDS::DBProxy").values().iterator().next()
                .at("/Properties/VpcSecurityGroupIds/0"));
        String functionSecurityGroup = target(stack.resource(stack.functionId("erasure-worker"))
                .at("/Properties/VpcConfig/SecurityGroupIds/0"));

        // Act
        List<JsonNode> ingress = stack.resources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(rule -> rule.get("Properties"))
                .filter(rule -> proxySecurityGroup.equals(target(rule.path("GroupId"))))
                .toList();

        // Assert
        assertEquals(1, ingress.size(), ingress.toString());
        assertEquals(5432, ingress.get(0).path("FromPort").asInt());
        assertEquals(functionSecurityGroup, target(ingress.get(0).path("SourceSecurityGroupId")));
        stack.himoyaFunctions().values().forEach(f -> assertEquals(functionSecurityGroup,
                target(f.at("/Properties/VpcConfig/SecurityGroupIds/0"))));
    }

    @Test
    void shouldHaveNoRouteToTheInternet_whenNetworkIsBuilt() {
        // Assert
        stack.template.resourceCountIs("AWS::EC2::NatGateway", 0);
        stack.template.resourceCountIs("AWS::EC2::InternetGateway", 0);
        List<String> endpoints = stack.resources("AWS::EC2::VPCEndpoint").values().stream()
                .map(e -> e.at("/Properties/ServiceName").asText()).sorted().toList();
        assertEquals(List.of("com.amazonaws.eu-central-1.email-smtp", "com.amazonaws.eu-central-1.secretsmanager",
                "com.amazonaws.eu-central-1.sqs"), endpoints);
    }

    @Test
    void shouldGrantNoWildcardAction_whenAnyPolicyAllowsSomething() {
        // Arrange
        List<JsonNode> statements = policyStatements();

        for (JsonNode statement : statements) {
            if (!"Allow".equals(statement.path("Effect").asText())) {
                continue;
            }
            // Act
            List<String> actions = actions(statement);

            // Assert
            actions.forEach(action -> assertFalse(action.equals("*") || action.endsWith(":*"),
                    "wildcard action " + action + " in " + statement));
        }
        assertTrue(statements.size() > 10, "policies were found at all");
    }

    @Test
    void shouldUseWildcardsOnlyToRefuseUnencryptedAccess_whenAPolicyDenies() {
        for (JsonNode statement : policyStatements()) {
            if (!"Deny".equals(statement.path("Effect").asText())) {
                continue;
            }
            // Act
            JsonNode secureTransport = statement.at("/Condition/Bool/aws:SecureTransport");

            // Assert
            assertEquals("false", secureTransport.asText(), "a Deny is only the TLS-only rule: " + statement);
        }
    }

    @Test
    void shouldGrantEachFunctionProxyConnectAndSecretRead_whenFunctionIsDefined() {
        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Arrange
            String roleId = target(function.at("/Properties/Role"));

            // Act
            List<String> actions = stack.resources("AWS::IAM::Policy").values().stream()
                    .filter(p -> p.at("/Properties/Roles").toString().contains("\"" + roleId + "\""))
                    .flatMap(p -> iterable(p.at("/Properties/PolicyDocument/Statement")).stream())
                    .flatMap(s -> actions(s).stream())
                    .toList();

            // Assert
            String name = function.at("/Properties/FunctionName").asText();
            assertTrue(actions.contains("rds-db:connect"), name);
            assertTrue(actions.contains("secretsmanager:GetSecretValue"), name);
        }
    }

    /** Statements of identity policies (managed, inline, role-embedded) and resource policies. */
    private static List<JsonNode> policyStatements() {
        List<JsonNode> statements = new ArrayList<>();
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::SQS::QueuePolicy",
                "AWS::SNS::TopicPolicy", "AWS::SecretsManager::ResourcePolicy")) {
            stack.resources(type).values().forEach(p ->
                    statements.addAll(iterable(p.at("/Properties/PolicyDocument/Statement"))));
        }
        stack.resources("AWS::IAM::Role").values().forEach(role ->
                iterable(role.at("/Properties/Policies")).forEach(p ->
                        statements.addAll(iterable(p.at("/PolicyDocument/Statement")))));
        return statements;
    }

    private static List<String> actions(JsonNode statement) {
        JsonNode action = statement.path("Action");
        return action.isArray() ? iterable(action).stream().map(JsonNode::asText).toList() : List.of(action.asText());
    }

    private static List<JsonNode> iterable(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }
}
