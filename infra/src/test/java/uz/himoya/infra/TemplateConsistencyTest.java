package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Whole-template guards: a reference to something that does not exist, or a queue whose failures
 * go nowhere, fails the build here instead of a deployment.
 */
class TemplateConsistencyTest {

    /** ${Name} or ${Name.Attribute} in Fn::Sub; ${!Literal} is an escape, not a reference. */
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!][^}.]*)(\\.[^}]*)?}");

    private static SynthesizedStack stack;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
    }

    @Test
    void shouldResolveEveryReference_whenTemplateIsSynthesized() {
        // Act
        List<String> dangling = danglingReferences(stack.json);

        // Assert
        assertEquals(List.of(), dangling);
    }

    @Test
    void shouldReportTheReference_whenItNamesAMissingResource() throws Exception {
        // Arrange: the guard itself must catch what it is there for
        JsonNode broken = new ObjectMapper().readTree("""
                {"Parameters": {"Size": {"Type": "Number"}},
                 "Resources": {
                   "Queue": {"Type": "AWS::SQS::Queue"},
                   "Fn": {"Type": "AWS::Lambda::Function", "DependsOn": ["Gone"], "Properties": {
                     "A": {"Ref": "Queue"}, "B": {"Ref": "Size"}, "C": {"Ref": "AWS::Region"},
                     "D": {"Fn::GetAtt": ["Missing", "Arn"]}, "E": {"Fn::GetAtt": "Absent.Arn"},
                     "F": {"Fn::Sub": "${Queue.Arn}/${Nowhere}/${!Literal}/${AWS::AccountId}"},
                     "G": {"Ref": "Typo"}}}}}
                """);

        // Act
        List<String> dangling = danglingReferences(broken);

        // Assert
        assertEquals(List.of("Gone", "Missing", "Absent", "Nowhere", "Typo"), dangling);
    }

    @Test
    void shouldGiveEveryEventSourceQueueADeadLetterQueue_whenQueuesTriggerFunctions() {
        // Arrange
        var mappings = stack.resources("AWS::Lambda::EventSourceMapping");
        assertFalse(mappings.isEmpty());

        for (JsonNode mapping : mappings.values()) {
            // Act
            JsonNode queue = stack.resource(target(mapping.at("/Properties/EventSourceArn")));

            // Assert
            JsonNode deadLetterArn = queue.at("/Properties/RedrivePolicy/deadLetterTargetArn");
            assertFalse(deadLetterArn.isMissingNode(), "event source queue without DLQ: " + queue);
            assertEquals("AWS::SQS::Queue", stack.resource(target(deadLetterArn)).path("Type").asText());
        }
    }

    @Test
    void shouldNameEveryOutputOperatorsNeed_whenStackIsSynthesized() {
        // Act
        Set<String> outputs = new HashSet<>();
        stack.json.path("Outputs").fieldNames().forEachRemaining(outputs::add);

        // Assert
        assertTrue(outputs.containsAll(Set.of("HttpApiUrl", "ErasureQueueUrl", "BreachQueueUrl",
                "RetentionQueueUrl", "AlarmTopicArn")), outputs.toString());
    }

    /** Logical ids used by Ref, Fn::GetAtt, Fn::Sub or DependsOn that the template does not define. */
    static List<String> danglingReferences(JsonNode template) {
        Set<String> defined = new HashSet<>();
        template.path("Resources").fieldNames().forEachRemaining(defined::add);
        template.path("Parameters").fieldNames().forEachRemaining(defined::add);
        List<String> dangling = new ArrayList<>();
        template.path("Resources").forEach(resource -> resource.path("DependsOn").forEach(dependency -> {
            check(dependency.asText(), defined, dangling);
        }));
        collect(template.path("Resources"), defined, dangling);
        collect(template.path("Outputs"), defined, dangling);
        collect(template.path("Conditions"), defined, dangling);
        return dangling;
    }

    private static void collect(JsonNode node, Set<String> defined, List<String> dangling) {
        String direct = target(node);
        if (direct != null) {
            check(direct, defined, dangling);
        }
        JsonNode sub = node.path("Fn::Sub");
        if (!sub.isMissingNode()) {
            // String form, or [string, variables] where the variables are defined locally.
            String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
            Set<String> local = new HashSet<>();
            if (sub.isArray() && sub.size() > 1) {
                sub.get(1).fieldNames().forEachRemaining(local::add);
            }
            Matcher variables = SUB_VARIABLE.matcher(text);
            while (variables.find()) {
                if (!local.contains(variables.group(1))) {
                    check(variables.group(1), defined, dangling);
                }
            }
        }
        node.forEach(child -> collect(child, defined, dangling));
    }

    private static void check(String id, Set<String> defined, List<String> dangling) {
        // Pseudo parameters (AWS::Region, AWS::AccountId, AWS::NoValue, ...) always exist.
        if (!defined.contains(id) && !id.startsWith("AWS::")) {
            dangling.add(id);
        }
    }
}
