package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static uz.himoya.infra.SynthesizedStack.referencedIds;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awscdk.assertions.Match;

class HttpApiTest {

    private static SynthesizedStack stack;
    private static Map<String, String> authorizationByRoute;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        authorizationByRoute = stack.resources("AWS::ApiGatewayV2::Route").values().stream()
                .map(route -> route.get("Properties"))
                .collect(Collectors.toMap(p -> p.path("RouteKey").asText(), p -> p.path("AuthorizationType").asText()));
    }

    @Test
    void shouldLeaveKeyCheckToTheFunction_whenRouteIsCalledByApps() {
        for (String path : PublicApi.APP_ROUTES) {
            // Act
            String authorization = authorizationByRoute.get("ANY " + path);

            // Assert
            assertEquals("NONE", authorization, path);
        }
    }

    @Test
    void shouldLeaveSignatureCheckToTheFunction_whenRouteIsCalledByAnAppsSystem() {
        for (String path : PublicApi.SYSTEM_ROUTES) {
            // Act
            String authorization = authorizationByRoute.get("ANY " + path);

            // Assert
            assertEquals("NONE", authorization, path);
        }
    }

    @Test
    void shouldRequireIamSignature_whenRouteIsForOperators() {
        for (String path : PublicApi.OPS_ROUTES) {
            // Act
            String authorization = authorizationByRoute.get("ANY " + path);

            // Assert
            assertEquals("AWS_IAM", authorization, path);
        }
        assertEquals(PublicApi.APP_ROUTES.size() + PublicApi.SYSTEM_ROUTES.size() + PublicApi.OPS_ROUTES.size(),
                authorizationByRoute.size(),
                "no other routes");
    }

    @Test
    void shouldProxyToTheLiveAliasWithPayloadV2_whenRouteMatches() {
        // Arrange
        String aliasId = stack.aliasId(stack.functionId("http-api"), "live");

        // Act
        Map<String, JsonNode> integrations = stack.resources("AWS::ApiGatewayV2::Integration");

        // Assert
        stack.template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
        stack.template.hasResourceProperties("AWS::ApiGatewayV2::Api", Match.objectLike(Map.of("ProtocolType", "HTTP")));
        assertEquals(1, integrations.size());
        JsonNode integration = integrations.values().iterator().next().get("Properties");
        assertEquals("AWS_PROXY", integration.path("IntegrationType").asText());
        assertEquals("2.0", integration.path("PayloadFormatVersion").asText());
        assertEquals(java.util.Set.of(aliasId), referencedIds(integration.path("IntegrationUri")));
    }
}
