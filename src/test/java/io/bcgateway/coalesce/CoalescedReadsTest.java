package io.bcgateway.coalesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.PrometheusText;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Coalesced reads against the simulator over loopback (connection {@code coal}): concurrent identical GETs share one
 * BC call. BC holds each answer for a while (the simulator's latency), so that the callers are in flight together;
 * the first caller is at BC before the others are sent.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class CoalescedReadsTest {

    private static final String COMPANIES = "/bc/coal/api/v2.0/companies";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @InjectSimulator
    SimulatorClient simulator;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
    }

    private static CompletableFuture<HttpResponse<String>> get(String query, Duration timeout, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Gateway.url(COMPANIES + query))).timeout(timeout);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (bounded) until BC runs {@code n} requests of the connection: the leaders are at BC. */
    private void awaitRunningAtBc(int n) {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < giveUp) {
            JsonObject limits = simulator.limits().getJsonObject(SimulatorProcess.clientIdOf("coal"));
            if (limits != null && limits.getInteger("running", 0) >= n) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // another process: polled
        }
        throw new AssertionError("BC never ran " + n + " request(s) of connection coal");
    }

    /**
     * Opens {@code n} pooled connections to the gateway first, so that the measured callers go out at once instead
     * of each opening a connection (on a loaded machine that took longer than BC's answer, and late callers then
     * started a flight of their own, as they should).
     */
    private static void openConnections(int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> warm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            warm.add(get("?$top=1&warm-up", Duration.ofSeconds(30), "Cache-Control", "no-cache"));
        }
        all(warm).forEach(r -> assertEquals(200, r.statusCode(), r.body()));
    }

    private long bcCallsFor(String query) {
        return simulator.bcRequests().stream()
                .filter(r -> r.getString("path").endsWith("/companies") && query.equals("?" + r.getString("query")))
                .count();
    }

    private static List<HttpResponse<String>> all(List<CompletableFuture<HttpResponse<String>>> calls)
            throws Exception {
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            answers.add(c.get());
        }
        return answers;
    }

    @Test
    void aHundredConcurrentIdenticalGetsReachBcOnce() throws Exception {
        String query = "?$top=2&run=hundred";
        openConnections(100);
        simulator.updateSettings(new JsonObject().put("latencyMillis", 1500));
        simulator.resetRequestLog();
        double savedBefore = PrometheusText.scrape().sum("bc_gateway_coalesced_requests_total", "connection", "coal");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        calls.add(get(query, Duration.ofSeconds(30)));
        awaitRunningAtBc(1);
        for (int i = 1; i < 100; i++) {
            calls.add(get(query, Duration.ofSeconds(30)));
        }
        List<HttpResponse<String>> answers = all(calls);
        String first = answers.get(0).body();
        for (HttpResponse<String> r : answers) {
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(first, r.body(), "every caller got the same answer");
            assertTrue(r.body().contains("\"value\""), r.body());
        }
        assertEquals(1, bcCallsFor(query), "BC saw one GET");
        assertEquals(99, PrometheusText.scrape().sum("bc_gateway_coalesced_requests_total", "connection", "coal")
                - savedBefore, "the metric counts the 99 BC calls saved");
    }

    @Test
    void aCallerSendingNoCacheGetsItsOwnCall() throws Exception {
        String query = "?$top=2&run=nocache";
        openConnections(100);
        simulator.updateSettings(new JsonObject().put("latencyMillis", 1500));
        simulator.resetRequestLog();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        calls.add(get(query, Duration.ofSeconds(30)));
        awaitRunningAtBc(1);
        for (int i = 1; i < 100; i++) {
            calls.add(i == 50 ? get(query, Duration.ofSeconds(30), "Cache-Control", "no-cache")
                    : get(query, Duration.ofSeconds(30)));
        }
        all(calls).forEach(r -> assertEquals(200, r.statusCode(), r.body()));
        assertEquals(2, bcCallsFor(query), "BC saw the shared GET and the no-cache one");
    }

    @Test
    void anErrorAnswerIsSharedLikeAnyOther() throws Exception {
        String missing = "(00000000-0000-0000-0000-00000000dead)";
        openConnections(20);
        simulator.updateSettings(new JsonObject().put("latencyMillis", 1500));
        simulator.resetRequestLog();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        calls.add(get(missing, Duration.ofSeconds(30)));
        awaitRunningAtBc(1);
        for (int i = 1; i < 20; i++) {
            calls.add(get(missing, Duration.ofSeconds(30)));
        }
        List<HttpResponse<String>> answers = all(calls);
        for (HttpResponse<String> r : answers) {
            assertEquals(404, r.statusCode(), r.body());
            assertEquals(answers.get(0).body(), r.body(), "BC's error, the same for every caller");
        }
        long calledBc = simulator.bcRequests().stream().filter(r -> r.getString("path").contains("dead")).count();
        assertEquals(1, calledBc, "BC saw one GET");
    }

    @Test
    void whenTheLeadingCallerHangsUpTheOthersStillGetAnAnswer() throws Exception {
        String query = "?$top=1&run=hangup";
        simulator.updateSettings(new JsonObject().put("latencyMillis", 1500));
        simulator.resetRequestLog();
        CompletableFuture<HttpResponse<String>> impatient = get(query, Duration.ofMillis(1000));
        awaitRunningAtBc(1);
        List<CompletableFuture<HttpResponse<String>>> patient = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            patient.add(get(query, Duration.ofSeconds(30)));
        }
        ExecutionException gaveUp = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> impatient.get(30, TimeUnit.SECONDS));
        assertTrue(gaveUp.getCause() instanceof java.net.http.HttpTimeoutException, gaveUp.toString());
        all(patient).forEach(r -> assertEquals(200, r.statusCode(), r.body()));
        // The leader's call was broken off with its caller; one of the others led a second one for all five.
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (bcCallsFor(query) < 2 && System.nanoTime() < giveUp) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // BC logs a request when it ends: polled
        }
        assertEquals(2, bcCallsFor(query), "the broken call and one more for the five that waited");
    }
}
