package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.CLIENT;
import static io.bcgateway.simulator.SimulatorHarness.SCOPE;
import static io.bcgateway.simulator.SimulatorHarness.SECRET;
import static io.bcgateway.simulator.SimulatorHarness.TENANT;
import static io.bcgateway.simulator.SimulatorHarness.form;
import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenEndpointFaultsTest {

    static SimulatorHarness sim;

    @BeforeAll
    static void start() throws Exception {
        sim = SimulatorHarness.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @BeforeEach
    void reset() throws Exception {
        sim.control("POST", "/_sim/reset", "");
    }

    @Test
    void downClosesTheConnectionWithoutAnswerAndIsCounted() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"tokenEndpointMode\":\"down\"}");
        assertThrows(IOException.class, () -> sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE)));
        assertThrows(IOException.class, () -> sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE)));
        assertEquals(2, sim.sim.stats().tokenRequests());
        assertEquals(2, sim.sim.stats().tokenRequests(CLIENT));
        assertEquals(2, sim.sim.stats().tokenFailures());
    }

    @Test
    void slowAnswersNormallyAfterTheDelay() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"tokenEndpointMode\":\"slow\",\"tokenEndpointDelayMillis\":300}");
        long start = System.nanoTime();
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertTrue(json(r).get("access_token").asText().split("\\.").length == 3);
        assertTrue(millis >= 300, "answered after " + millis + " ms");
        assertEquals(1, sim.sim.stats().tokenRequests(CLIENT));
    }

    @Test
    void throttledAnswers429WithRetryAfter60AndAadsts90055() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"tokenEndpointMode\":\"throttled\"}");
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE));
        assertEquals(429, r.statusCode());
        assertEquals("60", r.headers().firstValue("Retry-After").orElseThrow());
        JsonNode body = json(r);
        assertEquals("temporarily_unavailable", body.get("error").asText());
        assertEquals(90055, body.get("error_codes").get(0).asInt());
        assertTrue(body.get("error_description").asText().startsWith("AADSTS90055: "));
        assertEquals(1, sim.sim.stats().tokenRequests(CLIENT));
        assertEquals(1, sim.sim.stats().tokenFailures());
    }

    @Test
    void backToNormalIssuesTokensAgain() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"tokenEndpointMode\":\"throttled\"}");
        assertEquals(429, sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE)).statusCode());
        assertEquals("normal", sim.control("PUT", "/_sim/settings", "{\"tokenEndpointMode\":\"normal\"}").get("tokenEndpointMode").asText());
        assertEquals(200, sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE)).statusCode());
        assertEquals(2, sim.sim.stats().tokenRequests());
    }
}
