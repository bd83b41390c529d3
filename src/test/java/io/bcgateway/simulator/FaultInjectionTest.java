package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest extends SimulatorTest {

    @BeforeEach
    void reset() throws Exception {
        sim.control("POST", "/_sim/reset", "");
    }

    static String customers() {
        return sim.api() + "/companies(" + company + ")/customers";
    }

    static int customersNamed(String name) throws Exception {
        return json(sim.get(customers() + "?$filter=displayName%20eq%20'" + name + "'", token)).get("value").size();
    }

    @Test
    void forcedThree503sAnswerTheNextThreeRequestsWithRetryAfterThenNormally() throws Exception {
        JsonNode f = sim.control("POST", "/_sim/faults/force", "{\"status\":503,\"count\":3}");
        assertEquals(503, f.get("forceStatus").asInt());
        assertEquals(3, f.get("forceRemaining").asInt());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = sim.get(sim.api() + "/companies", token);
            assertEquals(503, r.statusCode(), "request " + (i + 1));
            assertEquals("5", r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(json(r).get("error").get("message").asText().contains("CorrelationId:  "));
        }
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        assertEquals(0, sim.control("GET", "/_sim/faults", null).get("forceRemaining").asInt());
        SimulatorStats st = sim.sim.stats();
        assertEquals(3, st.bcFaults());
        assertEquals(3, st.bc503());
        assertEquals(1, st.bcExecuted());
    }

    @Test
    void forced429UsesBcTooManyRequestsBodyAndDoesNotExecute() throws Exception {
        sim.control("POST", "/_sim/faults/force", "{\"status\":429,\"count\":1}");
        HttpResponse<String> r = sim.send("POST", customers(), token, "{\"displayName\":\"Forced429\"}");
        assertEquals(429, r.statusCode());
        assertEquals("{\"error\":{\"code\":\"Application_TooManyRequests\",\"message\":\"Too many requests reached.  Actual (101). "
                + "Maximum (100).  CorrelationId:  " + r.headers().firstValue("request-id").orElseThrow() + ".\"}}", r.body());
        assertFalse(r.headers().firstValue("Retry-After").isPresent());
        assertEquals(0, customersNamed("Forced429"));
        assertEquals(1, sim.sim.stats().bc429());
    }

    @Test
    void forced504BeforeExecutionDoesNotCreateTheCustomer() throws Exception {
        sim.control("POST", "/_sim/faults/force", "{\"status\":504,\"count\":1}");
        assertEquals(504, sim.send("POST", customers(), token, "{\"displayName\":\"Timeout Before\"}").statusCode());
        assertEquals(0, customersNamed("Timeout%20Before"));
        assertEquals(1, sim.sim.stats().bcExecuted(), "only the check ran");
    }

    @Test
    void forced504WithFaultsAfterExecutionCreatesTheCustomerButAnswers504() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"faultsAfterExecution\":true}");
        sim.control("POST", "/_sim/faults/force", "{\"status\":504,\"count\":1}");
        HttpResponse<String> r = sim.send("POST", customers(), token, "{\"displayName\":\"Timeout After\"}");
        assertEquals(504, r.statusCode());
        assertEquals("GatewayTimeout", json(r).get("error").get("code").asText());
        assertEquals(1, customersNamed("Timeout%20After"), "the write happened although the client saw 504");
    }

    @Test
    void forced503NeverExecutesEvenWithFaultsAfterExecution() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"faultsAfterExecution\":true}");
        sim.control("POST", "/_sim/faults/force", "{\"status\":503,\"count\":1}");
        assertEquals(503, sim.send("POST", customers(), token, "{\"displayName\":\"Unavailable\"}").statusCode());
        assertEquals(0, customersNamed("Unavailable"));
    }

    @Test
    void faultRateOneAnswersEveryRequestWithAConfiguredStatus() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"faultRate\":1.0,\"faultStatuses\":[502]}");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = sim.get(sim.api() + "/companies", token);
            assertEquals(502, r.statusCode());
            assertEquals("5", r.headers().firstValue("Retry-After").orElseThrow());
        }
        sim.control("PUT", "/_sim/settings", "{\"faultRate\":0}");
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        assertEquals(3, sim.sim.stats().bcFaults());
    }

    @Test
    void resetMidBodyBreaksOffCollectionResponsesOnly() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"resetMidBodyRate\":1.0}");
        assertThrows(IOException.class, () -> sim.get(customers(), token));
        assertEquals(200, sim.get(sim.api() + "/companies(" + company + ")", token).statusCode(), "a single entity is not a collection");
        assertEquals(1, sim.sim.stats().bcResets());
        // the end handlers run once the server has seen the close; the running slot is freed with them
        SimulatorHarness.awaitValue("requests in flight", () -> sim.sim.stats().bcInFlight(), 0);
    }

    @Test
    void jitterAddsAtMostTheConfiguredExtraLatency() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":50,\"latencyJitterMillis\":100}");
        long start = System.nanoTime();
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 50, "took " + millis + " ms");
    }

    @Test
    void resetClearsForcedFaultsAndFaultSettings() throws Exception {
        sim.control("POST", "/_sim/faults/force", "{\"status\":500,\"count\":5}");
        sim.control("PUT", "/_sim/settings", "{\"faultRate\":0.5,\"resetMidBodyRate\":0.5,\"tokenEndpointMode\":\"down\"}");
        JsonNode s = sim.control("POST", "/_sim/reset", "");
        assertEquals(0.0, s.get("faultRate").asDouble());
        assertEquals(0.0, s.get("resetMidBodyRate").asDouble());
        assertEquals("normal", s.get("tokenEndpointMode").asText());
        assertEquals(List.of(500, 502, 503, 504), List.of(s.get("faultStatuses").get(0).asInt(), s.get("faultStatuses").get(1).asInt(),
                s.get("faultStatuses").get(2).asInt(), s.get("faultStatuses").get(3).asInt()));
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
    }

    @Test
    void invalidFaultSettingsAreRejected() throws Exception {
        for (String body : List.of("{\"faultRate\":1.5}", "{\"faultStatuses\":[200]}", "{\"faultsAfterExecution\":\"yes\"}",
                "{\"tokenEndpointMode\":\"sideways\"}")) {
            assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, body).statusCode(), body);
        }
        assertEquals(400, sim.send("POST", sim.base + "/_sim/faults/force", null, "{\"status\":200,\"count\":1}").statusCode());
    }
}
