package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.core.json.JsonObject;

/**
 * Throttle-aware admission, retries and circuit breaking against the simulator as a separate process, with BC's
 * limits shrunk so a few hundred calls reach them.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class ThrottlingTest {

    @InjectSimulator
    SimulatorClient simulator;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private static String customersOf(String connection) {
        String company = given().get("/bc/" + connection + "/api/v2.0/companies").then().statusCode(200)
                .extract().path("value[0].id");
        return "/bc/" + connection + "/api/v2.0/companies(" + company + ")/customers";
    }

    @Test
    void twoHundredConcurrentCallersNeverPushBcPastItsLimits() throws Exception {
        simulator.updateSettings(new JsonObject().put("maxRunning", 2).put("maxQueued", 3)
                .put("rateLimitRequests", 100).put("rateWindowMillis", 5000).put("latencyMillis", 20));
        int bc429Before = simulator.stats().getInteger("bc429");
        // The deadline bounds how long a caller waits for a slot. 100 requests at 2 running and 20 ms take about
        // 1 s on an idle machine; a loaded CI machine can take several times that, so the deadline leaves room
        // for the whole window to pass. Callers past the window get the gateway's own 429 either way.
        List<HttpResponse<String>> answers = Gateway.concurrentGets("/bc/throttled/api/v2.0/companies", 200,
                "X-Gateway-Deadline", "10s");
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(200, ok + refused.size(), "every caller answered: 200 or the gateway's own 429");
        assertTrue(ok >= 100, "a full window of 100 went through: " + ok);
        refused.forEach(r -> {
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
            assertTrue(r.body().contains("urn:bc-gateway:problem:throttled"), r.body());
            assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElse("0")) >= 1);
        });
        assertEquals(bc429Before, simulator.stats().getInteger("bc429"), "BC never answered 429");
        int maxRunning = simulator.stats().getJsonObject("bcMaxRunningByClient")
                .getInteger(SimulatorProcess.clientIdOf("throttled"));
        assertTrue(maxRunning <= 2, "BC saw at most its 2 running requests at once: " + maxRunning);
    }

    @Test
    void aPostRefusedWith429IsReplayedExactlyOnceAfterRetryAfter() {
        String customers = customersOf("retrying");
        simulator.updateSettings(new JsonObject().put("retryAfterOn429", 2));
        simulator.forceFaults(429, 1);
        simulator.resetRequestLog();
        given().contentType("application/json").body("{\"displayName\":\"Replayed After 429\"}").post(customers)
                .then().statusCode(201);
        List<JsonObject> posts = simulator.bcRequests().stream().filter(e -> e.getString("method").equals("POST"))
                .toList();
        assertEquals(2, posts.size(), posts::toString);
        assertEquals(429, posts.get(0).getInteger("status"));
        assertEquals(201, posts.get(1).getInteger("status"));
        long gap = posts.get(1).getLong("epochMillis") - posts.get(0).getLong("epochMillis");
        assertTrue(gap >= 2000, "BC saw nothing from this principal during its Retry-After: " + gap + " ms");
        given().queryParam("$filter", "displayName eq 'Replayed After 429'").get(customers)
                .then().statusCode(200).body("value.size()", equalTo(1));
    }

    @Test
    void aPostIsNeverReplayedAfterA504ButAGetIs() {
        String customers = customersOf("retrying");
        simulator.updateSettings(new JsonObject().put("faultsAfterExecution", true));
        simulator.forceFaults(504, 1);
        simulator.resetRequestLog();
        given().contentType("application/json").body("{\"displayName\":\"Maybe Written Once\"}").post(customers)
                .then().statusCode(504);
        assertEquals(1, simulator.bcRequests().stream().filter(e -> e.getString("method").equals("POST")).count());
        given().queryParam("$filter", "displayName eq 'Maybe Written Once'").get(customers)
                .then().statusCode(200).body("value.size()", equalTo(1));

        simulator.forceFaults(504, 1);
        simulator.resetRequestLog();
        given().get(customers).then().statusCode(200);
        assertEquals(List.of(504, 200), simulator.bcRequests().stream().map(e -> e.getInteger("status")).toList());
    }

    @Test
    void theCircuitOpensAfterTheConfiguredFailuresAndClosesAfterRecovery() {
        String customers = customersOf("fragile");
        simulator.forceFaults(500, 4);
        simulator.resetRequestLog();
        for (int i = 0; i < 4; i++) {
            // POSTs: a 500 is never retried for them, so each call is exactly one attempt
            given().contentType("application/json").body("{\"displayName\":\"x\"}").post(customers)
                    .then().statusCode(500);
        }
        Response open = given().get(customers);
        open.then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:circuit-open")).header("Retry-After", notNullValue());
        assertEquals(4, simulator.bcRequests().size(), "nothing reached BC while the circuit was open");

        // The breaker's delay runs on SmallRye's own clock (2 s in the test profile): poll, bounded.
        Instant giveUp = Instant.now().plusSeconds(15);
        int status = 503;
        while (status == 503 && Instant.now().isBefore(giveUp)) {
            status = Gateway.get(customers).statusCode();
        }
        assertEquals(200, status, "the half-open probe succeeded");
        given().get(customers).then().statusCode(200);
    }

    @Test
    void callersHangingUpBeforeBcAnswersDoNotOpenTheCircuit() throws Exception {
        String customers = customersOf("fragile");
        simulator.updateSettings(new JsonObject().put("latencyMillis", 4000));
        simulator.resetRequestLog();
        // As many callers as the test profile's breaker needs to open (4 of 4), each giving up after 1.5 s (long
        // enough to reach BC on a loaded machine, shorter than BC's 4 s): the gateway resets their requests to BC,
        // which is the callers' doing, not a failing BC.
        java.net.http.HttpClient impatient = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                Gateway.url(customers))).timeout(Duration.ofMillis(1500)).GET().build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(impatient.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        for (var call : calls) {
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> call.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof java.net.http.HttpTimeoutException, e.toString());
        }
        // BC logs a request when it ends, here when the gateway broke it off: poll, bounded.
        Instant giveUp = Instant.now().plusSeconds(15);
        while (simulator.bcRequests().size() < 4 && Instant.now().isBefore(giveUp)) {
            Thread.onSpinWait();
        }
        assertEquals(4, simulator.bcRequests().size(), "the four calls reached BC before their callers left");
        simulator.updateSettings(new JsonObject().put("latencyMillis", 0));
        given().get(customers).then().statusCode(200);
    }

    @Test
    void anEntraOutageDoesNotTurnIntoATokenRequestStorm() throws Exception {
        simulator.updateSettings(new JsonObject().put("tokenEndpointMode", "down"));
        int before = simulator.tokenRequests(SimulatorProcess.clientIdOf("tokendown"));
        long start = System.nanoTime();
        List<HttpResponse<String>> answers = Gateway.concurrentGets("/bc/tokendown/api/v2.0/companies", 50);
        for (int i = 0; i < 50; i++) {
            answers = append(answers, Gateway.get("/bc/tokendown/api/v2.0/companies"));
        }
        answers.forEach(r -> assertEquals(503, r.statusCode(), r::body));
        int made = simulator.tokenRequests(SimulatorProcess.clientIdOf("tokendown")) - before;
        // The failure back-off (1 s, 2 s, 4 s, … of real time here) allows one request per step that ran out.
        double seconds = (System.nanoTime() - start) / 1e9;
        int allowed = 1;
        for (double elapsedSteps = 1, step = 1; elapsedSteps <= seconds; step *= 2, elapsedSteps += step) {
            allowed++;
        }
        assertTrue(made >= 1 && made <= allowed, "100 calls in " + seconds + " s of outage made " + made
                + " token request(s); the back-off allows " + allowed);

        simulator.updateSettings(new JsonObject().put("tokenEndpointMode", "normal"));
        Instant giveUp = Instant.now().plusSeconds(40);
        int status = 503;
        while (status != 200 && Instant.now().isBefore(giveUp)) {
            status = Gateway.get("/bc/tokendown/api/v2.0/companies").statusCode();
        }
        assertEquals(200, status, "calls succeed again once Entra is back and the back-off has run out");
    }

    @Test
    void aCredentialPoolSpreadsTheLoadOverItsPrincipals() throws Exception {
        simulator.updateSettings(new JsonObject().put("maxRunning", 1).put("latencyMillis", 30));
        List<HttpResponse<String>> answers = Gateway.concurrentGets("/bc/pooled/api/v2.0/companies", 60);
        answers.forEach(r -> assertEquals(200, r.statusCode(), r::body));
        JsonObject limits = simulator.limits();
        JsonObject maxRunning = simulator.stats().getJsonObject("bcMaxRunningByClient");
        for (String member : List.of("pooled", "pooled-p2", "pooled-p3")) {
            String client = SimulatorProcess.clientIdOf(member);
            long served = limits.getJsonObject(client).getLong("inWindow");
            assertTrue(served >= 10, member + " served " + served + " of 60");
            assertEquals(1, maxRunning.getInteger(client), member + " stayed within its 1 running request");
        }
    }

    private static List<HttpResponse<String>> append(List<HttpResponse<String>> list, HttpResponse<String> r) {
        List<HttpResponse<String>> out = new java.util.ArrayList<>(list);
        out.add(r);
        return out;
    }
}
