package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.referencedIds;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Himoya deployed into the app's own VPC: nothing network-wide is created, every function, the
 * database, its proxy and the endpoints sit in the given subnets, and the operator's security
 * groups are attached but never changed.
 */
class ExistingVpcTest {

    private static final String VPC = "vpc-0a1b2c3d4e5f60718";
    private static final List<String> SUBNETS = List.of("subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f");
    private static final String CLIENTS_GROUP = "sg-0c1e2a3b4d5f60718";
    private static final String STORE_GROUP = "sg-0d2e3f4a5b6c70819";
    private static final String STORE_RANGE = "10.30.0.0/16";

    private static SynthesizedStack stack;
    private static String functionGroupId;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.synthesize(Map.of(
                "stage", "test",
                "region", "eu-central-1",
                "vpcId", VPC,
                "availabilityZones", "eu-central-1a,eu-central-1b",
                // a JSON array, as cdk.json would hold it
                "privateSubnetIds", SUBNETS,
                "extraSecurityGroupIds", CLIENTS_GROUP,
                "appStoreNetworks", STORE_GROUP + "," + STORE_RANGE,
                "appStorePorts", "5432",
                "appStores", "demo-shop"));
        functionGroupId = target(stack.resource(stack.functionId("http-api")).at("/Properties/VpcConfig/SecurityGroupIds/0"));
    }

    @Test
    void shouldCreateNoVpcOrSubnets_whenVpcIdIsGiven() {
        // Assert
        stack.template.resourceCountIs("AWS::EC2::VPC", 0);
        stack.template.resourceCountIs("AWS::EC2::Subnet", 0);
        stack.template.resourceCountIs("AWS::EC2::RouteTable", 0);
        assertEquals(VPC, stack.resource(functionGroupId).at("/Properties/VpcId").asText());
    }

    @Test
    void shouldPlaceEveryFunctionInTheGivenSubnetsAndGroups_whenVpcIdIsGiven() {
        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act
            JsonNode vpcConfig = function.at("/Properties/VpcConfig");

            // Assert
            String name = function.at("/Properties/FunctionName").asText();
            assertEquals(SUBNETS, texts(vpcConfig.path("SubnetIds")), name);
            assertEquals(2, vpcConfig.path("SecurityGroupIds").size(), name);
            assertEquals(functionGroupId, target(vpcConfig.at("/SecurityGroupIds/0")), name);
            assertEquals(CLIENTS_GROUP, vpcConfig.at("/SecurityGroupIds/1").asText(), name);
        }
        assertEquals(7, stack.himoyaFunctions().size());
    }

    @Test
    void shouldPlaceDatabaseProxyAndEndpointsInTheGivenSubnets_whenVpcIdIsGiven() {
        // Assert
        stack.resources("AWS::RDS::DBSubnetGroup").values().forEach(group ->
                assertEquals(SUBNETS, texts(group.at("/Properties/SubnetIds"))));
        stack.resources("AWS::RDS::DBProxy").values().forEach(proxy ->
                assertEquals(SUBNETS, texts(proxy.at("/Properties/VpcSubnetIds"))));
        var endpoints = stack.resources("AWS::EC2::VPCEndpoint").values();
        assertEquals(3, endpoints.size());
        endpoints.forEach(endpoint -> {
            assertEquals(VPC, endpoint.at("/Properties/VpcId").asText());
            assertEquals(SUBNETS, texts(endpoint.at("/Properties/SubnetIds")));
        });
        stack.resources("AWS::EC2::SecurityGroup").values().forEach(group ->
                assertEquals(VPC, group.at("/Properties/VpcId").asText()));
    }

    @Test
    void shouldOpenOnlyTheGivenPortToTheStoreGroupAndRange_whenAppStoreNetworksAreGiven() {
        // Act
        List<JsonNode> egress = functionEgress();

        // Assert
        List<JsonNode> toGroup = egress.stream()
                .filter(r -> STORE_GROUP.equals(r.path("DestinationSecurityGroupId").asText())).toList();
        List<JsonNode> toRange = egress.stream().filter(r -> STORE_RANGE.equals(r.path("CidrIp").asText())).toList();
        assertEquals(1, toGroup.size(), egress.toString());
        assertEquals(1, toRange.size(), egress.toString());
        for (JsonNode rule : List.of(toGroup.get(0), toRange.get(0))) {
            assertEquals("tcp", rule.path("IpProtocol").asText());
            assertEquals(5432, rule.path("FromPort").asInt());
            assertEquals(5432, rule.path("ToPort").asInt());
        }
        assertTrue(egress.stream().noneMatch(r -> r.path("FromPort").asInt() == 3306), "3306 was not asked for");
        assertTrue(egress.stream().noneMatch(r -> "0.0.0.0/0".equals(r.path("CidrIp").asText())));
    }

    @Test
    void shouldOutputTheFunctionsGroup_whenTheAppTeamNeedsToAcceptIt() {
        // Act
        JsonNode output = stack.json.at("/Outputs/FunctionSecurityGroupId/Value");

        // Assert
        assertEquals(functionGroupId, target(output));
    }

    @Test
    void shouldNeverChangeTheOperatorsGroups_whenTheyAreImported() {
        // Act
        List<JsonNode> rules = new ArrayList<>();
        stack.resources("AWS::EC2::SecurityGroupIngress").values().forEach(rules::add);
        stack.resources("AWS::EC2::SecurityGroupEgress").values().forEach(rules::add);

        // Assert
        rules.forEach(rule -> {
            String group = rule.at("/Properties/GroupId").toString();
            assertFalse(group.contains(CLIENTS_GROUP) || group.contains(STORE_GROUP), rule.toString());
        });
    }

    @Test
    void shouldKeepTheOwnVpcAndOneGroup_whenNoVpcIdIsGiven() {
        // Arrange
        SynthesizedStack defaults = SynthesizedStack.defaults();
        var subnets = defaults.resources("AWS::EC2::Subnet");

        // Assert
        defaults.template.resourceCountIs("AWS::EC2::VPC", 1);
        assertEquals("10.0.0.0/16", defaults.resources("AWS::EC2::VPC").values().iterator().next()
                .at("/Properties/CidrBlock").asText());
        assertEquals(2, subnets.size());
        defaults.himoyaFunctions().values().forEach(function -> {
            JsonNode vpcConfig = function.at("/Properties/VpcConfig");
            assertEquals(1, vpcConfig.path("SecurityGroupIds").size());
            assertEquals(subnets.keySet(), referencedIds(vpcConfig.path("SubnetIds")));
        });
    }

    /** Egress rules of the functions' own security group, inline and separate. */
    private static List<JsonNode> functionEgress() {
        List<JsonNode> rules = new ArrayList<>();
        stack.resource(functionGroupId).at("/Properties/SecurityGroupEgress").forEach(rules::add);
        stack.resources("AWS::EC2::SecurityGroupEgress").values().stream()
                .map(rule -> rule.get("Properties"))
                .filter(rule -> functionGroupId.equals(target(rule.path("GroupId"))))
                .forEach(rules::add);
        return rules;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
