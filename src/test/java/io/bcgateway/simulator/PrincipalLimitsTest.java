package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.CLIENT;
import static io.bcgateway.simulator.SimulatorHarness.awaitValue;
import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BC's per-principal limits (bc-facts "Limits"), shrunk so they are reached in milliseconds. */
class PrincipalLimitsTest {

    static final String OTHER_CLIENT = "b7d0c6a2-1e3f-4a5b-8c9d-0e1f2a3b4c5d";

    static SimulatorHarness sim;
    static String token;
    static String otherToken;
    static String customers;

    @BeforeAll
    static void start() throws Exception {
        sim = SimulatorHarness.start();
        token = sim.token();
        otherToken = sim.tokenForNewApp(OTHER_CLIENT);
        customers = sim.api() + "/companies(" + sim.firstCompanyId(token) + ")/customers";
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @BeforeEach
    void reset() throws Exception {
        sim.control("POST", "/_sim/reset", "");
        sim.control("PUT", "/_sim/settings", "{\"maxRunning\":2,\"maxQueued\":3,\"rateLimitRequests\":1000,\"rateWindowMillis\":1000,"
                + "\"queueTimeoutMillis\":480000,\"latencyMillis\":0,\"retryAfterOn429\":\"off\"}");
    }

    static int customerCount() throws Exception {
        return json(sim.get(customers, token)).get("value").size();
    }

    static String tooManyBody(HttpResponse<String> r, int actual, int maximum) {
        String correlationId = r.headers().firstValue("request-id").orElseThrow();
        return "{\"error\":{\"code\":\"Application_TooManyRequests\",\"message\":\"Too many requests reached.  Actual (" + actual
                + "). Maximum (" + maximum + ").  CorrelationId:  " + correlationId + ".\"}}";
    }

    @Test
    void defaultsAreBcOnlineFigures() throws Exception {
        SimulatorSettings d = SimulatorSettings.defaults();
        assertEquals(6000, d.rateLimitRequests());
        assertEquals(300_000, d.rateWindowMillis());
        assertEquals(5, d.maxRunning());
        assertEquals(95, d.maxQueued());
        assertEquals(100, d.maxConnections());
        assertEquals(480_000, d.queueTimeoutMillis());
        assertTrue(d.retryAfterOn429Seconds().isEmpty());
        assertEquals(5, d.retryAfterOn503Seconds());
        JsonNode s = sim.control("GET", "/_sim/settings", null);
        assertEquals(2, s.get("maxRunning").asInt());
        assertEquals(3, s.get("maxQueued").asInt());
        assertEquals(5, s.get("maxConnections").asInt());
        assertEquals(1000, s.get("rateLimitRequests").asInt());
        assertEquals(1000, s.get("rateWindowMillis").asLong());
        assertEquals(480_000, s.get("queueTimeoutMillis").asLong());
        assertEquals("off", s.get("retryAfterOn429").asText());
    }

    @Test
    void atMostMaxRunningExecuteAtOncePerPrincipalAndPrincipalsDoNotShareLimits() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":200}");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(sim.sendAsync("GET", sim.api() + "/companies", token, null));
            calls.add(sim.sendAsync("GET", sim.api() + "/companies", otherToken, null));
        }
        // 10 concurrent requests against running 2 + queued 3: only per-principal limits let all of them through.
        for (CompletableFuture<HttpResponse<String>> c : calls) assertEquals(200, c.get().statusCode());
        SimulatorStats st = sim.sim.stats();
        assertEquals(2, st.bcMaxRunning(CLIENT));
        assertEquals(2, st.bcMaxRunning(OTHER_CLIENT));
        assertTrue(st.bcMaxQueued(CLIENT) <= 3, "queued " + st.bcMaxQueued(CLIENT));
        assertEquals(10, st.bcExecuted());
        assertEquals(0, st.bc429());
        JsonNode json = sim.control("GET", "/_sim/stats", null);
        assertEquals(2, json.get("bcMaxRunningByClient").get(CLIENT).asInt());
        assertEquals(2, json.get("bcMaxRunningByClient").get(OTHER_CLIENT).asInt());
    }

    @Test
    void requestBeyondRunningPlusQueuedGets429WithBcBodyAndDoesNotExecute() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":600}");
        int before = customerCount();
        sim.control("POST", "/_sim/stats/reset", "");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) calls.add(sim.sendAsync("GET", sim.api() + "/companies", token, null));
        awaitValue("requests in flight", () -> sim.sim.stats().bcInFlight(), 5);

        HttpResponse<String> rejected = sim.send("POST", customers, token, "{\"displayName\":\"Never Ltd.\"}");
        assertEquals(429, rejected.statusCode());
        assertEquals(tooManyBody(rejected, 6, 5), rejected.body());
        assertFalse(rejected.headers().firstValue("Retry-After").isPresent(), "BC documents no Retry-After on 429");
        HttpResponse<String> other = sim.get(sim.api() + "/companies", otherToken);
        assertEquals(200, other.statusCode(), "another principal is not affected");

        for (CompletableFuture<HttpResponse<String>> c : calls) assertEquals(200, c.get().statusCode());
        SimulatorStats st = sim.sim.stats();
        assertEquals(1, st.bc429());
        assertEquals(6, st.bcExecuted());
        assertEquals(3, st.bcMaxQueued(CLIENT));
        assertEquals(before, customerCount(), "a 429 means the POST was not executed");
    }

    @Test
    void slidingWindowRejectsTheRequestBeyondTheLimitAndAdmitsAgainOnceTheClockMoves() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"rateLimitRequests\":10,\"rateWindowMillis\":1000}");
        for (int i = 0; i < 10; i++) assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode(), "request " + (i + 1));

        HttpResponse<String> eleventh = sim.send("POST", customers, token, "{\"displayName\":\"Never Ltd.\"}");
        assertEquals(429, eleventh.statusCode());
        assertEquals(tooManyBody(eleventh, 11, 10), eleventh.body());
        assertEquals(429, sim.get(sim.api() + "/companies", token).statusCode(), "rejected requests do not free the window");
        assertEquals(200, sim.get(sim.api() + "/companies", otherToken).statusCode(), "windows are per principal");

        sim.control("POST", "/_sim/clock/advance", "{\"seconds\":1}");
        assertEquals(200, sim.get(customers, token).statusCode());
        JsonNode names = json(sim.get(customers + "?$filter=displayName eq 'Never Ltd.'".replace(" ", "%20"), token)).get("value");
        assertEquals(0, names.size(), "the rejected POST created nothing");
        assertEquals(2, sim.sim.stats().bc429());
    }

    @Test
    void retryAfterOn429IsAbsentByDefaultAndSentWhenConfigured() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"rateLimitRequests\":1}");
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        assertFalse(sim.get(sim.api() + "/companies", token).headers().firstValue("Retry-After").isPresent());

        JsonNode s = sim.control("PUT", "/_sim/settings", "{\"retryAfterOn429\":7}");
        assertEquals(7, s.get("retryAfterOn429").asInt());
        HttpResponse<String> r = sim.get(sim.api() + "/companies", token);
        assertEquals(429, r.statusCode());
        assertEquals("7", r.headers().firstValue("Retry-After").orElseThrow());

        assertEquals("off", sim.control("PUT", "/_sim/settings", "{\"retryAfterOn429\":\"off\"}").get("retryAfterOn429").asText());
        assertFalse(sim.get(sim.api() + "/companies", token).headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void requestWaitingLongerThanQueueTimeoutGets503WithRetryAfterAndDoesNotExecute() throws Exception {
        int before = customerCount();
        sim.control("POST", "/_sim/stats/reset", "");
        sim.control("PUT", "/_sim/settings", "{\"maxRunning\":1,\"latencyMillis\":900,\"queueTimeoutMillis\":250}");
        CompletableFuture<HttpResponse<String>> running = sim.sendAsync("GET", sim.api() + "/companies", token, null);
        awaitValue("requests in flight", () -> sim.sim.stats().bcInFlight(), 1);

        HttpResponse<String> queued = sim.send("POST", customers, token, "{\"displayName\":\"Never Ltd.\"}");
        assertEquals(503, queued.statusCode());
        assertEquals("5", queued.headers().firstValue("Retry-After").orElseThrow());
        JsonNode err = json(queued).get("error");
        assertEquals("ServiceUnavailable", err.get("code").asText());
        assertTrue(err.get("message").asText().contains("CorrelationId:  " + queued.headers().firstValue("request-id").orElseThrow()));

        assertEquals(200, running.get().statusCode());
        assertEquals(1, sim.sim.stats().bc503());
        assertEquals(1, sim.sim.stats().bcExecuted());
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":0}");
        assertEquals(before, customerCount(), "a queue-timeout 503 means the POST was not executed");
    }

    static long queued() {
        return sim.sim.limiter().toJson().path(CLIENT).path("queued").asLong();
    }

    @Test
    void aQueuedRequestWhoseClientDisconnectsGivesUpItsPlaceAndNeverExecutes() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"maxRunning\":1,\"maxQueued\":1,\"latencyMillis\":800}");
        sim.control("POST", "/_sim/stats/reset", "");
        CompletableFuture<HttpResponse<String>> running = sim.sendAsync("GET", sim.api() + "/companies", token, null);
        awaitValue("requests in flight", () -> sim.sim.stats().bcInFlight(), 1);
        URI uri = URI.create(sim.api() + "/companies");
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            socket.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            awaitValue("queued requests", PrincipalLimitsTest::queued, 1);
        }
        awaitValue("queued requests", PrincipalLimitsTest::queued, 0);

        CompletableFuture<HttpResponse<String>> next = sim.sendAsync("GET", sim.api() + "/companies", token, null);
        assertEquals(200, running.get().statusCode());
        assertEquals(200, next.get().statusCode(), "the freed place was available, so no 429");
        assertEquals(2, sim.sim.stats().bcExecuted(), "the abandoned request never ran");
        assertEquals(0, sim.sim.stats().bc429());
        // A place is released once the response has gone out, which can trail the client by a moment.
        awaitValue("running requests", () -> sim.sim.limiter().toJson().path(CLIENT).path("running").asLong(), 0);
        JsonNode limits = sim.control("GET", "/_sim/limits", null).get(CLIENT);
        assertEquals(0, limits.get("running").asInt());
        assertEquals(0, limits.get("queued").asInt());
        assertEquals(3, limits.get("inWindow").asInt(), "admitted requests count in the window, the abandoned one too");
    }

    @Test
    void resetForgetsTheRateWindow() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"rateLimitRequests\":1}");
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        assertEquals(429, sim.get(sim.api() + "/companies", token).statusCode());
        sim.control("POST", "/_sim/reset", "");
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
    }

    @Test
    void invalidLimitSettingsAreRejected() throws Exception {
        for (String body : List.of("{\"maxRunning\":0}", "{\"maxQueued\":-1}", "{\"rateWindowMillis\":0}", "{\"retryAfterOn429\":\"soon\"}")) {
            assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, body).statusCode(), body);
        }
    }
}
