package uz.himoya.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes the stack offline, the way {@code cdk deploy} would (same feature flags, read from
 * cdk.json), with small stand-in function zips. Synthesis starts a Node process (jsii), so the
 * default stack is synthesized once and shared by all test classes.
 */
final class SynthesizedStack {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SynthesizedStack defaults;

    final Template template;
    final JsonNode json;
    final Annotations annotations;

    private SynthesizedStack(Template template, Annotations annotations) {
        this.template = template;
        this.json = JSON.valueToTree(template.toJSON());
        this.annotations = annotations;
    }

    /** The stack with every context value at its default, except stage "test". */
    static synchronized SynthesizedStack defaults() {
        if (defaults == null) {
            defaults = synthesize(Map.of("stage", "test", "region", "eu-central-1"));
        }
        return defaults;
    }

    static SynthesizedStack synthesize(Map<String, Object> context) {
        Map<String, Object> all = new HashMap<>(featureFlags());
        all.putAll(dummyAssets());
        all.putAll(context);
        App app = new App(AppProps.builder().context(all).build());
        // No CDK_DEFAULT_ACCOUNT: the template stays account-agnostic, as in CI.
        HimoyaStack stack = HimoyaApp.createStack(app, name -> null);
        return new SynthesizedStack(Template.fromStack(stack), Annotations.fromStack(stack));
    }

    /** Resources of one type by logical id, in template order. */
    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        json.get("Resources").properties().forEach(entry -> {
            if (type.equals(entry.getValue().path("Type").asText())) {
                found.put(entry.getKey(), entry.getValue());
            }
        });
        return found;
    }

    /** The Himoya functions (Quarkus handler), by logical id; leaves out CDK's own helper functions. */
    Map<String, JsonNode> himoyaFunctions() {
        Map<String, JsonNode> functions = resources("AWS::Lambda::Function");
        functions.values().removeIf(f -> !HimoyaFunction.HANDLERS.contains(f.at("/Properties/Handler").asText()));
        return functions;
    }

    JsonNode resource(String logicalId) {
        JsonNode resource = json.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new AssertionError("no resource " + logicalId);
        }
        return resource;
    }

    /** Logical id of the Himoya function {@code himoya-<stage>-<shortName>}. */
    String functionId(String shortName) {
        return himoyaFunctions().entrySet().stream()
                .filter(f -> f.getValue().at("/Properties/FunctionName").asText().endsWith("-" + shortName))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no function " + shortName));
    }

    /** Logical id of the alias of the given function named {@code aliasName}. */
    String aliasId(String functionId, String aliasName) {
        return resources("AWS::Lambda::Alias").entrySet().stream()
                .filter(a -> functionId.equals(target(a.getValue().at("/Properties/FunctionName"))))
                .filter(a -> aliasName.equals(a.getValue().at("/Properties/Name").asText()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alias " + aliasName + " of " + functionId));
    }

    /** Queues that receive failed work: redrive targets of queues and dead-letter targets of schedules. */
    Set<String> deadLetterQueueIds() {
        Set<String> ids = new LinkedHashSet<>();
        resources("AWS::SQS::Queue").values().stream()
                .map(queue -> queue.at("/Properties/RedrivePolicy/deadLetterTargetArn"))
                .filter(arn -> !arn.isMissingNode())
                .forEach(arn -> ids.add(target(arn)));
        resources("AWS::Scheduler::Schedule").values().stream()
                .map(schedule -> schedule.at("/Properties/Target/DeadLetterConfig/Arn"))
                .filter(arn -> !arn.isMissingNode())
                .forEach(arn -> ids.add(target(arn)));
        return ids;
    }

    /** Statements of the identity policies attached to the role of the given function. */
    List<JsonNode> roleStatements(String functionId) {
        String roleId = target(resource(functionId).at("/Properties/Role"));
        List<JsonNode> statements = new ArrayList<>();
        resources("AWS::IAM::Policy").values().stream()
                .filter(p -> referencedIds(p.at("/Properties/Roles")).contains(roleId))
                .forEach(p -> p.at("/Properties/PolicyDocument/Statement").forEach(statements::add));
        return statements;
    }

    /**
     * A string value as text: literals as they are, {@code Fn::Join} joined, and a Ref or
     * Fn::GetAtt as {@code ${logicalId}}; for checking the format of values built from tokens.
     */
    static String render(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        String reference = target(value);
        if (reference != null) {
            return "${" + reference + "}";
        }
        JsonNode join = value.path("Fn::Join");
        if (join.isArray()) {
            StringBuilder text = new StringBuilder();
            String separator = join.get(0).asText();
            for (int i = 0; i < join.get(1).size(); i++) {
                text.append(i == 0 ? "" : separator).append(render(join.get(1).get(i)));
            }
            return text.toString();
        }
        throw new AssertionError("cannot render " + value);
    }

    /** Every logical id a Ref or Fn::GetAtt anywhere inside the node points at. */
    static Set<String> referencedIds(JsonNode node) {
        Set<String> ids = new LinkedHashSet<>();
        collectReferences(node, ids);
        return ids;
    }

    private static void collectReferences(JsonNode node, Set<String> ids) {
        String direct = target(node);
        if (direct != null) {
            ids.add(direct);
        }
        node.forEach(child -> collectReferences(child, ids));
    }

    /** The logical id a {@code {"Ref": id}} or {@code {"Fn::GetAtt": [id, attr]}} points at, or null. */
    static String target(JsonNode reference) {
        if (reference.has("Ref")) {
            return reference.get("Ref").asText();
        }
        if (reference.has("Fn::GetAtt")) {
            JsonNode getAtt = reference.get("Fn::GetAtt");
            // Long form [id, attribute] or short form "id.attribute".
            return getAtt.isArray() ? getAtt.get(0).asText() : getAtt.asText().split("\\.", 2)[0];
        }
        return null;
    }

    private static Map<String, Object> featureFlags() {
        try {
            JsonNode cdkJson = JSON.readTree(Path.of("cdk.json").toFile());
            return JSON.convertValue(cdkJson.get("context"), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("tests run in infra/ and read its cdk.json", e);
        }
    }

    private static Map<String, Object> dummyAssets() {
        try {
            Path dir = Files.createTempDirectory("himoya-infra-assets");
            dir.toFile().deleteOnExit();
            return Map.of("http", dummyZip(dir.resolve("http.zip")).toString(),
                    "functions", dummyZip(dir.resolve("functions.zip")).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path dummyZip(Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("bootstrap.txt"));
            out.write(zip.getFileName().toString().getBytes());
            out.closeEntry();
        }
        zip.toFile().deleteOnExit();
        return zip;
    }
}
