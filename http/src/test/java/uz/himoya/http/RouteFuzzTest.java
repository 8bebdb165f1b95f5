package uz.himoya.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.MockLambda;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * Issue 10: every route of the HTTP function, walked as an attacker would, through real API Gateway v2 events
 * posted to the Lambda mock event server (so header bytes reach the adapter as they do in AWS). The routes
 * come from the application's own route table (its JAX-RS resources, with their query parameters), so a new
 * route is covered without editing this test.
 *
 * <p>For every malformed input: a 4xx problem+json (or the confirm page's HTML), no stack trace, nothing the
 * caller sent echoed (every input carries a canary), and not one row changed in any table of Himoya's schema
 * or the demo app's. Odd but well-formed inputs (a strange Accept-Language on a read) may succeed, but never
 * with a 5xx and never with a change. Seeded, bounded in time, and it prints how many inputs it tried.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class RouteFuzzTest {
    static final String CANARY = "zqxcanary7731";
    static final long SEED = Long.getLong("himoya.fuzz.seed", 20261201L);
    static final long BUDGET_MS = 45_000;
    static final ObjectMapper JSON = new ObjectMapper();

    /** Well-formed bodies per route, only ever sent mutated (a valid one could be destructive). */
    static final Map<String, String> SAMPLES = Map.of(
            "POST /v1/deletion-requests", "{\"subject\":{\"id\":\"1001\"},\"verified\":true,\"locale\":\"uz\"}",
            "POST /v1/retention/runs", "{\"app\":\"demo\",\"dryRun\":false}",
            "POST /v1/ops/watchdog", "{\"app\":\"demo\"}",
            "POST /v1/holds/{app}", "{\"subject\":{\"id\":\"1005\"},\"reason\":\"audit\"}",
            "POST /v1/confirm", "{\"token\":\"abc\"}",
            "POST /v1/breaches", "{\"app\":\"demo\",\"title\":\"t\",\"discoveredAt\":\"2026-11-30T00:00:00Z\","
                    + "\"window\":{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-30T00:00:00Z\"},"
                    + "\"categories\":[\"network.ip\"],\"content\":{\"en\":{\"nature\":\"n\",\"consequences\":\"c\","
                    + "\"measures\":\"m\",\"contact\":\"security@demo.example\"}},\"affected\":{\"selector\":"
                    + "\"access-logs\"}}");

    record Route(String method, String template, List<String> queryParams, List<String> numeric) {
        String key() {
            return method + " " + template;
        }

        boolean ops() {
            return OpsKeyFilter.OPS_PREFIXES.stream().anyMatch(template::startsWith);
        }

        boolean page() {
            return template.startsWith("/v1/confirm");
        }

        boolean takesBody() {
            return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        }
    }

    /** One request: whether it is malformed (must be refused) or only odd (must not fail or change). */
    record Case(Route route, String path, String query, Map<String, String> headers, byte[] body,
            boolean malformed, String what) {
    }

    @Test
    void shouldRefuseEveryMalformedInputAndChangeNothing_onEveryRoute() throws Exception {
        // Arrange
        Himoya.reset();
        List<Route> routes = routes();
        assertThat(routes).extracting(Route::key).contains("POST /v1/retention/runs", "POST /v1/breaches",
                "POST /v1/deletion-requests", "GET /v1/confirm");
        Random random = new Random(SEED);
        List<Case> cases = new ArrayList<>();
        for (Route r : routes) {
            cases.addAll(cases(r, random));
        }
        java.util.Collections.shuffle(cases, random);
        String before = snapshot();
        long started = System.currentTimeMillis();
        int tried = 0;
        List<String> failures = new ArrayList<>();

        // Act / Assert
        for (Case c : cases) {
            if (System.currentTimeMillis() - started > BUDGET_MS) {
                break;
            }
            tried++;
            JsonNode response = send(c);
            String problem = check(c, response);
            String now = snapshot();
            if (!now.equals(before)) {
                problem = (problem == null ? "" : problem + "; ") + "changed rows";
                Himoya.reset();
                now = snapshot();
            }
            before = now;
            if (problem != null) {
                failures.add(c.route().key() + " [" + c.what() + "]: " + problem);
            }
        }
        System.out.printf("[fuzz] seed %d: %d routes, %d inputs tried of %d generated, %d refused wrongly%n", SEED,
                routes.size(), tried, cases.size(), failures.size());
        assertThat(failures).as("inputs handled wrongly (seed " + SEED + ")").isEmpty();
        assertThat(tried).isGreaterThan(300);
    }

    /** The application's route table: every resource method of every JAX-RS resource bean. */
    static List<Route> routes() {
        List<Route> out = new ArrayList<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path base = type.getAnnotation(Path.class);
            if (base == null || !type.getName().startsWith("uz.himoya")) {
                continue;
            }
            for (Method m : type.getDeclaredMethods()) {
                String verb = verb(m);
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String template = join(base.value(), sub == null ? "" : sub.value());
                List<String> query = new ArrayList<>();
                List<String> numeric = new ArrayList<>();
                for (Parameter p : m.getParameters()) {
                    QueryParam q = p.getAnnotation(QueryParam.class);
                    if (q != null) {
                        query.add(q.value());
                        if (p.getType() == int.class || p.getType() == Integer.class || q.value().equals("limit")) {
                            numeric.add(q.value());
                        }
                    }
                }
                out.add(new Route(verb, template, query, numeric));
            }
        }
        out.sort(java.util.Comparator.comparing(Route::key));
        return out;
    }

    private static String verb(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        String s = ("/" + a + "/" + b).replaceAll("/+", "/");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    static List<Case> cases(Route r, Random random) {
        List<Case> out = new ArrayList<>();
        String path = fill(r.template(), "demo", "00000000-0000-4000-8000-000000000000");
        Map<String, String> ok = headers(r, "application/json");
        // Bad path values: never found, never echoed.
        if (r.template().contains("{")) {
            for (String v : List.of(CANARY, CANARY + "%00", "%zz" + CANARY, "..%2F" + CANARY, CANARY.repeat(40))) {
                out.add(new Case(r, fill(r.template(), v, v), "", ok, r.takesBody() ? bytes("{}") : null,
                        true, "path " + v.substring(0, Math.min(v.length(), 20))));
            }
        }
        // Control characters in headers: refused before anything runs.
        for (String ch : List.of("\u007f", "\u0000", "\u000b", "\r\n")) {
            Map<String, String> h = new LinkedHashMap<>(ok);
            h.put("x-fuzz", CANARY + ch + CANARY);
            out.add(new Case(r, path, "", h, r.takesBody() ? sampleOr(r, "{}") : null, true, "header ctl"));
            Map<String, String> auth = new LinkedHashMap<>(ok);
            auth.computeIfPresent("authorization", (k, v) -> v + ch + CANARY);
            if (auth.containsKey("authorization")) {
                out.add(new Case(r, path, "", auth, r.takesBody() ? sampleOr(r, "{}") : null, true, "auth ctl"));
            }
        }
        // Query literals: booleans and numbers accept only their literal values.
        for (String q : r.queryParams()) {
            for (String v : List.of("1", "yes", "on", "TRUE%20", CANARY, "%zz", "%00", "")) {
                boolean number = r.numeric().contains(q);
                boolean fine = v.isEmpty() || q.equals("app") && !v.startsWith("%") || number && v.equals("1");
                out.add(new Case(r, path, q + "=" + v, ok, r.takesBody() ? sampleOr(r, "{}") : null,
                        r.takesBody() || !fine, "query " + q + "=" + v));
            }
        }
        // Odd Accept-Language on any route: never a 5xx.
        for (String lang : List.of(";", ",,", CANARY, "*;q=x", "uz;q=2")) {
            Map<String, String> h = new LinkedHashMap<>(ok);
            h.put("accept-language", lang);
            out.add(new Case(r, path, "", h, r.takesBody() ? bytes("{\"" + CANARY + "@x\":1}") : null,
                    r.takesBody(), "accept-language"));
        }
        if (!r.takesBody()) {
            return out;
        }
        // Content types: enforced on every route with a body, UTF-8 only.
        for (String type : List.of("", ";", "text/plain", "application/json; charset=iso-8859-1",
                "application/json; charset=utf-16", "application/x-www-form-urlencoded", CANARY + "/json",
                "multipart/form-data")) {
            if (r.page() && type.equals("application/x-www-form-urlencoded")) {
                continue; // the confirm form's own type: covered by the bodies below
            }
            Map<String, String> h = headers(r, type);
            if (type.isEmpty()) {
                h.remove("content-type");
            }
            out.add(new Case(r, path, "", h, sampleOr(r, "{}"), true, "content-type " + type));
        }
        // Bodies: every one malformed, each with a canary where it carries a value.
        List<String> bodies = new ArrayList<>(List.of("", " ", "null", "[]", "{}{}", "{} x", "\"" + CANARY + "\"",
                "123", "true", "{\"" + CANARY + "@x\":1}", "{\"app\":\"" + CANARY + "@demo.example\"}",
                "{\"app\":\"demo\",\"app\":\"demo\"}", "{\"subject\":{\"id\":\"x-\\ud800\"}}",
                "{\"subject\":{\"id\":\"" + CANARY + "\\u0000\"}}", "{\"dryRun\":\"yes\"}", "{\"dryRun\":1}",
                "[".repeat(2000), " ".repeat(65_536), "{\"reason\":\"" + "x".repeat(70_000) + "\"}",
                "\uFEFF{}", "{\"a\":\"\\udbff\\u0000" + CANARY + "\"}"));
        String sample = SAMPLES.get(r.key());
        if (sample != null) {
            bodies.add(sample + " garbage" + CANARY);
            bodies.add(sample + sample);
            bodies.add(sample.replaceFirst("\\{", "{\"mroe\":true,"));
            bodies.add(sample.replaceFirst("\\{", "{\"dryrun\":true,"));
            bodies.add(sample.replaceFirst("\\{\"(\\w+)\":", "{\"$1\":[],\"$1\":"));
            bodies.add(sample.replaceFirst(":\"[^\"]*\"", java.util.regex.Matcher.quoteReplacement(":\"" + CANARY
                    + "\\ud800\"")));
            bodies.add(sample.replaceFirst(":\"[^\"]*\"", ":[\"" + CANARY + "\"]"));
            bodies.add(sample.replaceFirst(":\"[^\"]*\"", ":{\"" + CANARY + "@x\":1}"));
            if (sample.contains("true") || sample.contains("false")) {
                bodies.add(sample.replace("true", "\"true\"").replace("false", "\"false\""));
            }
            bodies.add(sample.substring(0, sample.length() / 2));
        }
        for (String b : bodies) {
            out.add(new Case(r, path, "", headers(r, r.page() && b.startsWith("t") ? "application/json"
                    : "application/json"), bytes(b), true, "body " + b.substring(0, Math.min(b.length(), 60)).replace('\u0000', '0')));
        }
        // Invalid UTF-8 bytes, declared as UTF-8.
        out.add(new Case(r, path, "", ok, new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, true, "bad utf-8"));
        out.add(new Case(r, path, "", ok, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, true, "cesu"));
        return out;
    }

    private static byte[] sampleOr(Route r, String fallback) {
        return bytes(SAMPLES.getOrDefault(r.key(), fallback) + " trailing" + CANARY);
    }

    private static Map<String, String> headers(Route r, String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("accept", "application/json");
        h.put("host", "abc123.execute-api.eu-central-1.amazonaws.com");
        h.put("content-type", contentType);
        if (r.ops()) {
            h.put("authorization", "Bearer ops-test-key");
        } else if (!r.page()) {
            h.put("authorization", "Bearer demo-test-key");
        }
        return h;
    }

    private static String fill(String template, String app, String id) {
        return template.replace("{app}", app).replace("{appId}", app).replaceAll("\\{[^}]+}", id);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The case as an API Gateway HTTP API (payload 2.0) event, as AWS hands it to the function. */
    static JsonNode send(Case c) throws Exception {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0").put("routeKey", "$default").put("rawPath", c.path()).put("rawQueryString",
                c.query());
        ObjectNode h = e.putObject("headers");
        c.headers().forEach(h::put);
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "123456789012").put("apiId", "abc123").put("requestId", "fuzz").put("routeKey",
                "$default").put("stage", "$default").put("timeEpoch", 1795329000000L);
        ctx.putObject("http").put("method", c.route().method()).put("path", c.path()).put("protocol", "HTTP/1.1")
                .put("sourceIp", "192.0.2.10").put("userAgent", "fuzz");
        if (c.body() != null) {
            e.put("body", Base64.getEncoder().encodeToString(c.body())).put("isBase64Encoded", true);
        } else {
            e.put("isBase64Encoded", false);
        }
        String answer = given().contentType(ContentType.JSON).body(JSON.writeValueAsString(e))
                .post(MockLambda.url()).then().extract().asString();
        return JSON.readTree(answer);
    }

    /** What is wrong with the answer, or null. */
    static String check(Case c, JsonNode response) {
        int status = response.path("statusCode").asInt();
        String body = response.path("body").asText("");
        if (response.path("isBase64Encoded").asBoolean()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        String type = header(response, "content-type");
        String all = body + " " + response.path("headers") + " " + response.path("multiValueHeaders");
        List<String> wrong = new ArrayList<>();
        if (status >= 500 || status == 0) {
            wrong.add("status " + status);
        } else if (c.malformed() && (status < 400 || status >= 500)) {
            wrong.add("status " + status + " for a malformed input");
        }
        if (status >= 400 && !(type.startsWith("application/problem+json") || c.route().page()
                && type.startsWith("text/html"))) {
            wrong.add("content type '" + type + "'");
        }
        if (all.contains(CANARY)) {
            wrong.add("echoes the input");
        }
        if (body.contains("\tat ") || body.contains("Exception") || body.contains("java.")) {
            wrong.add("stack trace");
        }
        return wrong.isEmpty() ? null : String.join(", ", wrong);
    }

    private static String header(JsonNode response, String name) {
        for (String part : List.of("headers", "multiValueHeaders")) {
            var it = response.path(part).fields();
            while (it.hasNext()) {
                var f = it.next();
                if (f.getKey().equalsIgnoreCase(name)) {
                    return f.getValue().isArray() ? f.getValue().path(0).asText() : f.getValue().asText();
                }
            }
        }
        return "";
    }

    /** Every row of every table of Himoya's schema and of the demo app's store, as one digest. */
    static String snapshot() throws SQLException {
        return snapshot(EmbeddedDatabase.dataSource(), "public") + "," + snapshot(DemoStore.dataSource(), "demo_app");
    }

    private static String snapshot(javax.sql.DataSource db, String schema) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                    + " FROM information_schema.tables WHERE table_schema = '" + schema + "'"
                    + " AND table_type = 'BASE TABLE' ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            StringBuilder union = new StringBuilder();
            for (String t : new TreeSet<>(tables)) {
                union.append(union.isEmpty() ? "" : " UNION ALL ").append("SELECT '").append(t)
                        .append("' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ").append(t)
                        .append(" x");
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(d, ',') FROM (" + union + ") u(d)")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
