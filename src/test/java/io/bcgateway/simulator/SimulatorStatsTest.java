package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.CLIENT;
import static io.bcgateway.simulator.SimulatorHarness.SCOPE;
import static io.bcgateway.simulator.SimulatorHarness.SECRET;
import static io.bcgateway.simulator.SimulatorHarness.TENANT;
import static io.bcgateway.simulator.SimulatorHarness.form;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorStatsTest {

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
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":0}");
        sim.control("POST", "/_sim/stats/reset", "");
        sim.control("POST", "/_sim/requests/reset", "");
    }

    @Test
    void statsCountTokenAndBcRequestsExactly() throws Exception {
        String token = sim.token();
        sim.token();
        sim.tokenRequest(TENANT, form(CLIENT, "wrong", SCOPE));
        String api = sim.api();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(sim.http.sendAsync(HttpRequest.newBuilder(URI.create(api + "/companies"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) assertEquals(200, c.get().statusCode());
        sim.send("POST", api + "/companies", token, "{}");  // 405
        sim.get(api + "/companies", null);                  // 401

        JsonNode s = sim.control("GET", "/_sim/stats", null);
        assertEquals(3, s.get("tokenRequests").asLong());
        assertEquals(3, s.get("tokenRequestsByClient").get(CLIENT).asLong());
        assertEquals(1, s.get("tokenFailures").asLong());
        assertEquals(202, s.get("bcRequests").asLong());
        assertEquals(201, s.get("bcRequestsByMethod").get("GET").asLong());
        assertEquals(1, s.get("bcRequestsByMethod").get("POST").asLong());
        assertEquals(1, s.get("bcUnauthorized").asLong());
        assertEquals(0, s.get("bcInFlight").asLong());
        assertTrue(s.get("bcMaxInFlight").asLong() >= 1);
        assertEquals(202, sim.sim.stats().bcRequests());
    }

    @Test
    void latencyMakesConcurrentRequestsOverlap() throws Exception {
        String token = sim.token();
        sim.control("PUT", "/_sim/settings", "{\"latencyMillis\":300}");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(sim.http.sendAsync(HttpRequest.newBuilder(URI.create(sim.api() + "/companies"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) assertEquals(200, c.get().statusCode());
        assertTrue(sim.sim.stats().bcMaxInFlight() >= 2, "max in flight " + sim.sim.stats().bcMaxInFlight());
        // The server lowers its in-flight count when the response has ended on its side, which may be just after
        // the client has read it.
        SimulatorHarness.awaitValue("in flight", () -> sim.sim.stats().bcInFlight(), 0);
    }

    @Test
    void requestLogRecordsPathsAndStatusButNoSecrets() throws Exception {
        String token = sim.token();
        sim.get(sim.api() + "/companies?$top=1", token);
        JsonNode log = sim.control("GET", "/_sim/requests", null);
        assertEquals(2, log.size());
        assertEquals("token", log.get(0).get("kind").asText());
        assertEquals("/" + TENANT + "/oauth2/v2.0/token", log.get(0).get("path").asText());
        assertEquals("/v2.0/production/api/v2.0/companies", log.get(1).get("path").asText());
        assertEquals(200, log.get(1).get("status").asInt());
        assertTrue(log.get(1).get("epochMillis").asLong() > 0);
        assertFalse(log.toString().contains(SECRET));
    }

    @Test
    void changingDataSizeSettingsReseeds() throws Exception {
        String token = sim.token();
        String company = sim.firstCompanyId(token);
        sim.control("PUT", "/_sim/settings", "{\"customersPerCompany\":7,\"companies\":2}");
        try {
            JsonNode companies = SimulatorHarness.json(sim.get(sim.api() + "/companies", token)).get("value");
            assertEquals(2, companies.size());
            assertEquals(company, companies.get(0).get("id").asText(), "same seed, same ids");
            assertEquals(7, SimulatorHarness.json(sim.get(sim.api() + "/companies(" + company + ")/customers", token)).get("value").size());
        } finally {
            sim.control("PUT", "/_sim/settings", "{\"customersPerCompany\":25,\"companies\":3}");
        }
    }

    @Test
    void invalidSettingsAreRejected() throws Exception {
        assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, "{\"maxPageSize\":50000}").statusCode());
        assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, "{\"bogus\":1}").statusCode());
    }
}
