package io.bcgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The simulator's read replica (bc-facts "Read scale-out": a GET with {@code Data-Access-Intent: ReadOnly} may lag
 * the primary; a write under ReadOnly fails) and its drop-after fault (the request runs, the answer is lost).
 */
class ReadReplicaAndDropTest extends SimulatorTest {

    @AfterEach
    void restore() throws Exception {
        sim.control("POST", "/_sim/faults/reset", "{}");
    }

    private String customers() {
        return sim.api() + "/companies(" + company + ")/customers";
    }

    private String firstCustomer() throws Exception {
        HttpResponse<String> r = sim.get(customers() + "?$top=1", token);
        assertEquals(200, r.statusCode(), r.body());
        return customers() + "(" + SimulatorHarness.json(r).get("value").get(0).get("id").asText() + ")";
    }

    private String named(String displayName) {
        return customers() + "?$filter=" + SimulatorHarness.enc("displayName eq '" + displayName.replace("'", "''") + "'");
    }

    private String displayName(String url, String... headers) throws Exception {
        HttpResponse<String> r = sim.get(url, token, headers);
        assertEquals(200, r.statusCode(), r.body());
        return SimulatorHarness.json(r).get("displayName").asText();
    }

    @Test
    void aReadOnlyGetSeesTheDataAsItWasReplicaLagAgo() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"replicaLagMillis\":60000}");
        String customer = firstCustomer();
        String before = displayName(customer);
        String after = before + " (changed " + System.nanoTime() + ")";
        HttpResponse<String> patched = sim.send("PATCH", customer, token, "{\"displayName\":\"" + after + "\"}",
                "If-Match", "*", "Content-Type", "application/json");
        assertEquals(200, patched.statusCode(), patched.body());

        assertEquals(after, displayName(customer), "the primary shows the change at once");
        assertEquals(before, displayName(customer, "Data-Access-Intent", "ReadOnly"), "the replica lags");
        JsonNode list = SimulatorHarness.json(sim.get(named(before), token, "Data-Access-Intent", "ReadOnly"));
        assertEquals(1, list.get("value").size(), "collections read from the replica lag too");

        sim.control("PUT", "/_sim/settings", "{\"replicaLagMillis\":0}");
        assertEquals(after, displayName(customer, "Data-Access-Intent", "ReadOnly"), "without lag it is current");
    }

    @Test
    void aWriteWithReadOnlyIntentFails() throws Exception {
        HttpResponse<String> r = sim.send("POST", customers(), token, "{\"displayName\":\"Read Only Ltd\"}",
                "Data-Access-Intent", "ReadOnly", "Content-Type", "application/json");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("ReadOnly"), r.body());
    }

    @Test
    void aDroppedAnswerLeavesTheWriteDoneAndTheClientWithoutAnAnswer() throws Exception {
        sim.control("POST", "/_sim/faults/force", "{\"drop\":\"after-execution\",\"count\":1}");
        String name = "Dropped Answer " + System.nanoTime();
        assertThrows(IOException.class, () -> sim.send("POST", customers(), token,
                "{\"displayName\":\"" + name + "\"}", "Content-Type", "application/json"));
        JsonNode list = SimulatorHarness.json(sim.get(named(name), token));
        assertEquals(1, list.get("value").size(), "the POST ran once");
        assertEquals(201, sim.send("POST", customers(), token, "{\"displayName\":\"Next " + name + "\"}",
                "Content-Type", "application/json").statusCode(), "only the next request was dropped");
    }
}
