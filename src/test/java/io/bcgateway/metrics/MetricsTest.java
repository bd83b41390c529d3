package io.bcgateway.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.PrometheusText;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.core.json.JsonObject;

/**
 * A scripted scenario on the {@code metrics} connection (its own app registration, used by no other test), with
 * {@code /q/metrics} read before and after each step: the counters must move by exactly what happened. Deltas,
 * not absolute values, because other test classes share this gateway.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class MetricsTest {

    private static final String C = "metrics";
    private static final String COMPANIES = "/bc/metrics/api/v2.0/companies";

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
        CircuitBreakerMaintenance.get().resetAll();
    }

    /** Change of one series (or the sum of the matching ones) between two scrapes. */
    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    /**
     * The scrape after {@code callerRequests} more caller requests have been counted. A request is counted once its
     * answer has gone out, which can be a moment after the client has read it, so this waits (bounded) for the count.
     */
    private static PrometheusText afterRequests(PrometheusText before, int callerRequests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        PrometheusText after = PrometheusText.scrape();
        while (delta(before, after, "bc_gateway_requests_total", "connection", C) < callerRequests
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // a scrape is an HTTP request: not in a tight loop
            after = PrometheusText.scrape();
        }
        return after;
    }

    private static double requests(PrometheusText before, PrometheusText after, String method, String outcome,
            String statusClass) {
        return delta(before, after, "bc_gateway_requests_total", "connection", C, "method", method, "outcome",
                outcome, "status_class", statusClass);
    }

    @Test
    void countersMoveByExactlyWhatTheScenarioDid() {
        // Warm-up: the first call fetches the connection's token.
        String company = given().get(COMPANIES).then().statusCode(200).extract().path("value[0].id");
        String customers = COMPANIES + "(" + company + ")/customers";

        // 1. BC answers 429 with Retry-After: 1 once; the gateway pauses the principal and retries, the caller sees 200.
        PrometheusText before = PrometheusText.scrape();
        simulator.updateSettings(new JsonObject().put("retryAfterOn429", 1));
        simulator.forceFaults(429, 1);
        given().get(customers).then().statusCode(200);
        PrometheusText after = afterRequests(before, 1);
        assertEquals(1, requests(before, after, "GET", "bc", "2xx"));
        assertEquals(1, delta(before, after, "bc_gateway_requests_total", "connection", C), "one caller request");
        assertEquals(1, delta(before, after, "bc_gateway_throttled_total", "connection", C, "source", "bc"));
        assertEquals(0, delta(before, after, "bc_gateway_throttled_total", "connection", C, "source", "gateway"));
        assertEquals(1, delta(before, after, "bc_gateway_retries_total", "connection", C, "reason", "throttled"));
        assertEquals(1, delta(before, after, "bc_gateway_retries_total", "connection", C), "no other retry");
        assertEquals(1, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C,
                "status_class", "4xx"));
        assertEquals(1, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C,
                "status_class", "2xx"));
        assertEquals(1, delta(before, after, "bc_gateway_request_duration_seconds_count", "connection", C,
                "outcome", "bc"));
        assertEquals(2, delta(before, after, "bc_gateway_admission_wait_seconds_count", "connection", C),
                "admitted twice: the first attempt and the retry");
        assertTrue(delta(before, after, "bc_gateway_response_bytes_total", "connection", C) > 0);
        assertEquals(1, delta(before, after, "bc_gateway_retry_budget_used", "connection", C),
                "the retry came out of the budget");

        // 2. The token expires (both clocks move two hours): the next call acquires exactly one new token.
        int tokensAtEntra = simulator.tokenRequests(SimulatorProcess.clientIdOf(C));
        before = PrometheusText.scrape();
        ((ShiftableClock) clock).advance(Duration.ofHours(2));
        simulator.advanceClock(Duration.ofHours(2));
        given().get(COMPANIES).then().statusCode(200);
        after = afterRequests(before, 1);
        assertEquals(1, simulator.tokenRequests(SimulatorProcess.clientIdOf(C)) - tokensAtEntra);
        assertEquals(1, delta(before, after, "bc_gateway_token_requests_total", "connection", C, "outcome",
                "acquired"));
        assertEquals(0, delta(before, after, "bc_gateway_token_requests_total", "connection", C, "outcome",
                "rejected") + delta(before, after, "bc_gateway_token_requests_total", "connection", C, "outcome",
                        "unavailable"));
        assertEquals(1, delta(before, after, "bc_gateway_token_request_duration_seconds_count", "connection", C));
        double expiry = after.sum("bc_gateway_token_expiry_seconds", "connection", C, "principal", C);
        assertTrue(expiry > 3000 && expiry <= 3600, "seconds until the new token expires: " + expiry);
        assertEquals(1, after.sum("bc_gateway_token_usable", "connection", C));

        // 3. Four 500s to POSTs (never retried) open the circuit (test profile: 4 of 4); the next call is refused.
        before = PrometheusText.scrape();
        simulator.forceFaults(500, 4);
        for (int i = 0; i < 4; i++) {
            given().contentType("application/json").body("{\"displayName\":\"x\"}").post(customers)
                    .then().statusCode(500);
        }
        given().get(customers).then().statusCode(503);
        after = afterRequests(before, 5);
        assertEquals(4, requests(before, after, "POST", "bc", "5xx"));
        assertEquals(1, requests(before, after, "GET", "circuit_open", "5xx"));
        assertEquals(4, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C),
                "nothing was sent while the circuit was open");
        assertEquals(1, delta(before, after, "bc_gateway_circuit_transitions_total", "connection", C, "to", "open"));
        assertEquals(1, after.sum("bc_gateway_circuit_state", "connection", C, "state", "open"));
        assertEquals(0, after.sum("bc_gateway_circuit_state", "connection", C, "state", "closed"));
        assertEquals(0, delta(before, after, "bc_gateway_retries_total", "connection", C), "POSTs are not retried");
        CircuitBreakerMaintenance.get().resetAll();
        assertEquals(1, PrometheusText.scrape().sum("bc_gateway_circuit_state", "connection", C, "state", "closed"));

        // 4. BC's 429 with Retry-After: 3 exceeds a 2 s deadline: BC's 429 goes back to the caller, and the paused
        // principal makes the gateway refuse the next 1 s request itself, before BC sees it.
        before = PrometheusText.scrape();
        simulator.updateSettings(new JsonObject().put("retryAfterOn429", 3));
        simulator.forceFaults(429, 1);
        given().header("X-Gateway-Deadline", "2s").get(customers).then().statusCode(429);
        given().header("X-Gateway-Deadline", "1s").get(customers).then().statusCode(429)
                .contentType("application/problem+json");
        after = afterRequests(before, 2);
        assertEquals(1, requests(before, after, "GET", "bc", "4xx"));
        assertEquals(1, requests(before, after, "GET", "throttled", "4xx"));
        assertEquals(1, delta(before, after, "bc_gateway_throttled_total", "connection", C, "source", "bc"));
        assertEquals(1, delta(before, after, "bc_gateway_throttled_total", "connection", C, "source", "gateway"));
        assertEquals(0, delta(before, after, "bc_gateway_retries_total", "connection", C));
        assertEquals(1, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C));

        // 5. Two fan-outs over the connection's 3 companies, one target at a time: the first reads all three, in the
        // second BC refuses the first company with a 400, so it ends partial.
        String fanout = "/fanout/metrics/companies/customers";
        given().header("X-Gateway-Concurrency", "1").get(fanout).then().statusCode(200); // lists (and caches) companies
        before = PrometheusText.scrape();
        given().header("X-Gateway-Concurrency", "1").get(fanout).then().statusCode(200);
        simulator.forceFaults(400, 1);
        given().header("X-Gateway-Concurrency", "1").get(fanout).then().statusCode(200);
        after = PrometheusText.scrape();
        assertEquals(1, delta(before, after, "bc_gateway_fanouts_total", "result", "complete"));
        assertEquals(1, delta(before, after, "bc_gateway_fanouts_total", "result", "partial"));
        assertEquals(0, delta(before, after, "bc_gateway_fanouts_total", "result", "failed"));
        assertEquals(2, delta(before, after, "bc_gateway_fanout_targets_count"));
        assertEquals(6, delta(before, after, "bc_gateway_fanout_targets_sum"), "3 targets each");
        assertEquals(1, delta(before, after, "bc_gateway_fanout_target_failures_total", "connection", C));
        assertEquals(6, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C),
                "one page per company per fan-out, nothing retried");
        assertEquals(1, delta(before, after, "bc_gateway_upstream_duration_seconds_count", "connection", C,
                "status_class", "4xx"));
    }

    @Test
    void metricsHealthAndTheStatusPageAnswerOnTheManagementPortAndNotOnTheGatewayPort() {
        assertNotEquals(Gateway.url("/"), Gateway.managementUrl("/"), "two ports");
        for (String path : List.of("/q/metrics", "/q/health/live", "/q/health/ready", "/q/gateway/status")) {
            assertEquals(200, Gateway.management(path).statusCode(), path + " on the management port");
            assertEquals(404, Gateway.get(path).statusCode(), path + " on the port callers of /bc/* use");
        }
        given().get(COMPANIES).then().statusCode(200); // the request meters exist from the first request on
        assertTrue(PrometheusText.scrape().has("bc_gateway_requests_total"), "the gateway's own meters are there");
    }

    /**
     * The JVM's and the process's series as Quarkus' {@code jvm} and {@code system} binders named them (a scrape of the
     * gateway built with them, Quarkus 3.33.2, Micrometer 1.16.3; {@code jvm_gc_pause_seconds} appears only after a
     * collection): bound at the first scrape now ({@link JvmMetricsOnScrape}), under the same names, for dashboards.
     */
    private static final List<String> JVM_AND_PROCESS = List.of("jvm_buffer_count_buffers",
            "jvm_buffer_memory_used_bytes", "jvm_buffer_total_capacity_bytes", "jvm_classes_loaded_classes",
            "jvm_classes_loaded_count_classes_total", "jvm_classes_unloaded_classes_total", "jvm_gc_live_data_size_bytes",
            "jvm_gc_max_data_size_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_gc_memory_promoted_bytes_total",
            "jvm_gc_overhead", "jvm_info_total", "jvm_memory_committed_bytes", "jvm_memory_max_bytes",
            "jvm_memory_usage_after_gc", "jvm_memory_used_bytes", "jvm_threads_daemon_threads",
            "jvm_threads_live_threads", "jvm_threads_peak_threads", "jvm_threads_started_threads_total",
            "jvm_threads_states_threads", "process_cpu_time_ns_total", "process_cpu_usage", "process_files_max_files",
            "process_files_open_files", "process_start_time_seconds", "process_uptime_seconds", "system_cpu_count",
            "system_cpu_usage", "system_load_average_1m");

    @Test
    void jvmAndProcessMetersAreScrapedUnderTheNamesQuarkusGaveThem() {
        PrometheusText scrape = PrometheusText.scrape();
        List<String> missing = JVM_AND_PROCESS.stream().filter(n -> !scrape.names().contains(n)).toList();
        assertTrue(missing.isEmpty(), "missing from /q/metrics: " + missing);
        assertTrue(scrape.has("jvm_memory_used_bytes", "area", "heap"));
        assertTrue(scrape.has("jvm_threads_states_threads", "state", "runnable"));
        // Bound once, however many scrapes came first: jvm_info_total counts its binding.
        assertEquals(1, PrometheusText.scrape().sum("jvm_info_total"), "one jvm_info series, bound once");
    }

    @Test
    void labelsCarryNoIdsPathsOrSecrets() {
        given().get(COMPANIES).then().statusCode(200);
        String text = given().get(Gateway.managementUrl("/q/metrics")).asString();
        Pattern guid = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
        PrometheusText scrape = new PrometheusText(text);
        for (PrometheusText.Sample s : scrape.samples()) {
            s.labels().forEach((k, v) -> {
                assertFalse(guid.matcher(v).find(), s.name() + " has an id in label " + k + "=" + v);
                assertFalse(v.contains("secret-of-") || v.contains(SimulatorProcess.WRONG_SECRET)
                        || v.contains(SimulatorClient.DEMO_SECRET) || v.startsWith("eyJ"), s.name() + " " + k + "=" + v);
            });
        }
        assertFalse(scrape.has("http_server_requests_seconds_count", "uri", "/bc/*"),
                "/bc/ requests are counted and timed by bc_gateway_requests_total and _request_duration_seconds only");
        assertTrue(scrape.has("bc_gateway_request_duration_seconds_count", "connection", "metrics"));
        assertTrue(scrape.has("http_server_active_requests"), "the HPA's metric exists");
    }
}
