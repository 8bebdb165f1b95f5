package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Store work fits the platform: every function's store work limit (core himoya.store-work-limit) ends before
 * its Lambda timeout with time left to record the failure, the HTTP function fits API Gateway's integration
 * limit, and the sweeps' own time budgets end inside the limit, so a normal sweep is never aborted.
 */
class StoreLimitsTest {
    /** API Gateway HTTP APIs end an integration at 30 s at most (REST APIs at 29 s): the lower one. */
    private static final Duration API_GATEWAY_LIMIT = Duration.ofSeconds(29);
    /** The longest a sweep's last batch runs: one statement at the stores' default statement timeout. */
    private static final Duration STORE_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    private static Map<String, JsonNode> functions;

    @BeforeAll
    static void synthesize() {
        functions = SynthesizedStack.defaults().himoyaFunctions();
    }

    @Test
    void everyFunctionEndsItsStoreWorkBeforeLambdaEndsIt() {
        assertEquals(7, functions.size());
        for (JsonNode f : functions.values()) {
            String name = f.at("/Properties/FunctionName").asText();
            Duration timeout = Duration.ofSeconds(f.at("/Properties/Timeout").asLong());
            Duration limit = Duration.parse(variables(f).path(HimoyaFunction.STORE_WORK_LIMIT).asText());
            assertTrue(limit.plus(HimoyaFunction.MIN_RESERVE).compareTo(timeout) <= 0,
                    name + ": store work limit " + limit + " leaves no time to record a failure before " + timeout);
            assertTrue(limit.compareTo(Duration.ZERO) > 0, name);
        }
    }

    @Test
    void theHttpFunctionAndItsStoreWorkFitApiGateway() {
        JsonNode http = function("http-api");
        Duration timeout = Duration.ofSeconds(http.at("/Properties/Timeout").asLong());
        assertTrue(timeout.compareTo(API_GATEWAY_LIMIT) < 0, "the function ends before the gateway gives up");
        Duration limit = Duration.parse(variables(http).path(HimoyaFunction.STORE_WORK_LIMIT).asText());
        assertEquals(Duration.ofSeconds(10), limit);
        Duration sweep = Duration.parse(variables(http).path("HIMOYA_RETENTION_HTTP_TIME_BUDGET").asText());
        assertTrue(sweep.compareTo(limit) < 0, "a sweep over HTTP hands on before its store work is aborted");
    }

    @Test
    void aSweepInvocationEndsInsideTheStoreWorkLimit() {
        JsonNode sweep = function("retention-sweep");
        Duration limit = Duration.parse(variables(sweep).path(HimoyaFunction.STORE_WORK_LIMIT).asText());
        Duration budget = Duration.parse(variables(sweep).path("HIMOYA_RETENTION_TIME_BUDGET").asText());
        // The sweep keeps one connection per store for its invocation: it starts no batch after its budget,
        // and the last one takes one statement timeout at most.
        assertTrue(budget.plus(STORE_STATEMENT_TIMEOUT).compareTo(limit) <= 0,
                "budget " + budget + " plus a batch passes the store work limit " + limit);
    }

    @Test
    void theErasureWorkerHasMinutesForOneStoreTransaction() {
        JsonNode worker = function("erasure-worker");
        Duration limit = Duration.parse(variables(worker).path(HimoyaFunction.STORE_WORK_LIMIT).asText());
        // Two statements a table in one transaction: 90 s holds three statement timeouts of 30 s.
        assertEquals(Duration.ofSeconds(90), limit);
    }

    private static JsonNode function(String shortName) {
        return functions.values().stream()
                .filter(f -> f.at("/Properties/FunctionName").asText().endsWith("-" + shortName))
                .findFirst().orElseThrow();
    }

    private static JsonNode variables(JsonNode function) {
        return function.at("/Properties/Environment/Variables");
    }
}
