package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.referencedIds;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 12, part 8: the functions run as a least-privilege database role, and migrations run once per deploy
 * from the migration function, which alone holds the owner's credentials.
 */
class DatabaseRolesTest {
    private static final String MIGRATION = "database-migration";

    private static SynthesizedStack stack;
    private static String ownerSecret;
    private static String appSecret;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        ownerSecret = secretOf("himoya");
        appSecret = secretOf(Database.APP_USER);
    }

    @Test
    void shouldLetTheProxyLogInAsOwnerAndAsAppRole_eachWithItsOwnSecret() {
        JsonNode proxy = stack.resources("AWS::RDS::DBProxy").values().iterator().next().get("Properties");

        Set<String> secrets = new java.util.HashSet<>();
        proxy.get("Auth").forEach(a -> secrets.add(secretBehind(target(a.get("SecretArn")))));

        assertEquals(2, proxy.get("Auth").size());
        assertEquals(Set.of(ownerSecret, appSecret), secrets);
    }

    @Test
    void shouldGiveTheOwnersCredentialsToTheMigrationFunctionAlone() {
        for (Map.Entry<String, JsonNode> f : stack.himoyaFunctions().entrySet()) {
            String name = f.getValue().at("/Properties/FunctionName").asText();
            JsonNode env = f.getValue().at("/Properties/Environment/Variables");
            Set<String> readable = readableSecrets(f.getKey());
            String connectsAs = connectUsers(f.getKey());

            // Every function connects as the application role, and migrates nothing at its start
            assertEquals(Set.of(appSecret), referencedIds(env.get("HIMOYA_DB_SECRET_ARN")), name);
            assertEquals("false", env.path("QUARKUS_FLYWAY_MIGRATE_AT_START").asText(), name);
            assertTrue(readable.contains(appSecret), name);
            assertTrue(connectsAs.contains("/" + Database.APP_USER + "\""), name + ": " + connectsAs);
            if (name.endsWith("-" + MIGRATION)) {
                assertEquals(Set.of(ownerSecret), referencedIds(env.get(Migration.OWNER_SECRET_VARIABLE)).stream()
                        .map(DatabaseRolesTest::secretBehind).collect(Collectors.toSet()), name);
                assertTrue(readable.contains(ownerSecret), name);
                assertTrue(connectsAs.contains("/himoya\""), connectsAs);
            } else {
                assertTrue(env.path(Migration.OWNER_SECRET_VARIABLE).isMissingNode(), name);
                assertFalse(readable.contains(ownerSecret), name + " may read the owner's credentials");
                assertFalse(connectsAs.contains("/himoya\""), name + ": " + connectsAs);
            }
        }
    }

    @Test
    void shouldRunTheMigrationOnEveryDeployBeforeAnyOtherFunctionIsUpdated() {
        Map<String, JsonNode> triggers = stack.resources("Custom::Trigger");
        assertEquals(1, triggers.size());
        String triggerId = triggers.keySet().iterator().next();
        JsonNode trigger = triggers.get(triggerId);
        String migrationId = stack.functionId(MIGRATION);

        // It invokes the migration function (its current version: a new one, with new code, runs it again),
        // synchronously, so a failed migration fails the deploy; Lambda's timeout and the trigger's agree
        Set<String> handler = referencedIds(trigger.at("/Properties/HandlerArn"));
        assertTrue(handler.contains(migrationId) || handler.stream().anyMatch(v -> migrationId.equals(
                target(stack.resource(v).at("/Properties/FunctionName")))), handler.toString());
        assertEquals("RequestResponse", trigger.at("/Properties/InvocationType").asText());
        assertEquals(Migration.TIMEOUT.toMilliseconds().longValue(), trigger.at("/Properties/Timeout").asLong());
        assertEquals(Migration.TIMEOUT.toSeconds().intValue(), stack.resource(migrationId).at("/Properties/Timeout")
                .asInt());
        assertEquals(Migration.EXPORT, stack.resource(migrationId)
                .at("/Properties/Environment/Variables/QUARKUS_FUNQY_EXPORT").asText());

        // ... after the database, and before every other function (and its SnapStart version) is deployed
        assertTrue(dependsOn(trigger).stream().anyMatch(d -> d.startsWith("DatabaseCluster")), dependsOn(trigger)
                .toString());
        for (Map.Entry<String, JsonNode> f : stack.himoyaFunctions().entrySet()) {
            if (!f.getKey().equals(migrationId)) {
                assertTrue(dependsOn(f.getValue()).contains(triggerId), f.getKey() + " " + dependsOn(f.getValue()));
            }
        }
    }

    private static Set<String> dependsOn(JsonNode resource) {
        JsonNode d = resource.path("DependsOn");
        return d.isMissingNode() ? Set.of() : java.util.stream.StreamSupport.stream(d.spliterator(), false)
                .map(JsonNode::asText).collect(Collectors.toSet());
    }

    /** The secrets a function's role may read (their logical ids, or their attachment's). */
    private static Set<String> readableSecrets(String functionId) {
        return stack.roleStatements(functionId).stream()
                .filter(s -> s.path("Action").toString().contains("secretsmanager:GetSecretValue"))
                .flatMap(s -> referencedIds(s.path("Resource")).stream())
                .map(DatabaseRolesTest::secretBehind)
                .collect(Collectors.toSet());
    }

    /** The database users a function may connect as through the proxy (rds-db:connect resources, as JSON text). */
    private static String connectUsers(String functionId) {
        List<String> users = stack.roleStatements(functionId).stream()
                .filter(s -> s.path("Action").toString().contains("rds-db:connect"))
                .flatMap(s -> s.path("Resource").isArray()
                        ? java.util.stream.StreamSupport.stream(s.path("Resource").spliterator(), false)
                        : java.util.stream.Stream.of(s.path("Resource")))
                .map(JsonNode::toString)
                .sorted().toList();
        return String.join(",", users);
    }

    /** A secret attachment stands for its secret. */
    private static String secretBehind(String id) {
        JsonNode r = stack.resource(id);
        if (r.path("Type").asText().equals("AWS::SecretsManager::SecretTargetAttachment")) {
            return target(r.at("/Properties/SecretId"));
        }
        return id;
    }

    /** The generated secret whose template names the user. */
    private static String secretOf(String user) {
        return stack.resources("AWS::SecretsManager::Secret").entrySet().stream()
                .filter(s -> s.getValue().at("/Properties/GenerateSecretString/SecretStringTemplate").asText()
                        .equals("{\"username\":\"" + user + "\"}"))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no secret of " + user));
    }
}
