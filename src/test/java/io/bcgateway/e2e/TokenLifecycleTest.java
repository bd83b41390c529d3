package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Token acquisition, caching, refresh and replay, counted at the simulated Entra ID. Each scenario uses a
 * connection with its own app registration, so counts never mix. Time moves on both sides together: the
 * gateway's injected clock and the simulator's clock.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class TokenLifecycleTest {

    private static final String COMPANIES = "/api/v2.0/companies";

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    private void advanceTime(Duration d) {
        ((ShiftableClock) clock).advance(d);
        simulator.advanceClock(d);
    }

    private int tokenRequests(String connection) {
        return simulator.tokenRequests(SimulatorProcess.clientIdOf(connection));
    }

    private static void assertAllOk(List<HttpResponse<String>> answers) {
        answers.forEach(r -> assertEquals(200, r.statusCode(), r::body));
    }

    @Test
    void oneTokenRequestServesAHundredSequentialCalls() {
        for (int i = 0; i < 100; i++) {
            given().get("/bc/seq" + COMPANIES).then().statusCode(200);
        }
        assertEquals(1, tokenRequests("seq"));
    }

    @Test
    void oneTokenRequestServesTwoHundredConcurrentCalls() throws Exception {
        assertAllOk(Gateway.concurrentGets("/bc/conc" + COMPANIES, 200));
        assertEquals(1, tokenRequests("conc"));
    }

    @Test
    void twoHundredCallsArrivingAsTheTokenExpiresShareOneRefresh() throws Exception {
        given().get("/bc/expiry" + COMPANIES).then().statusCode(200);
        assertEquals(1, tokenRequests("expiry"));
        // 3,580 s into a 3,599 s token: inside the gateway's 30 s safety margin, so it must not be sent again.
        advanceTime(Duration.ofSeconds(3580));
        assertAllOk(Gateway.concurrentGets("/bc/expiry" + COMPANIES, 200));
        assertEquals(2, tokenRequests("expiry"));
    }

    @Test
    void shortLivedTokensAreRefreshedAheadOfExpiryWithoutAFailedCall() {
        simulator.updateSettings(new JsonObject().put("tokenLifetimeSeconds", 120));
        try {
            int unauthorizedBefore = simulator.stats().getInteger("bcUnauthorized");
            for (int step = 0; step < 30; step++) {
                given().get("/bc/shortlived" + COMPANIES).then().statusCode(200);
                advanceTime(Duration.ofSeconds(10));
            }
            assertEquals(unauthorizedBefore, simulator.stats().getInteger("bcUnauthorized"),
                    "no call ever reached BC with an expired token");
            int requests = tokenRequests("shortlived");
            assertTrue(requests >= 3 && requests <= 6, "300 s of 120 s tokens refreshed at half-life: " + requests);
        } finally {
            simulator.updateSettings(new JsonObject().put("tokenLifetimeSeconds", 3599));
        }
    }

    @Test
    void a401IsAnsweredWithOneFreshTokenAndOneReplay() {
        given().get("/bc/replay" + COMPANIES).then().statusCode(200);
        int unauthorizedBefore = simulator.stats().getInteger("bcUnauthorized");
        simulator.revokeIssuedTokens();
        given().contentType("application/json").body("{\"displayName\":\"Replayed Customer\"}")
                .post("/bc/replay" + COMPANIES + "(" + firstCompany() + ")/customers")
                .then().statusCode(201).body("displayName", equalTo("Replayed Customer"));
        assertEquals(2, tokenRequests("replay"));
        assertEquals(unauthorizedBefore + 1, simulator.stats().getInteger("bcUnauthorized"));
    }

    @Test
    void aTokenBusinessCentralKeepsRefusingReachesTheCallerAsBcs401() {
        simulator.rejectAllTokens(true);
        try {
            given().get("/bc/revoked" + COMPANIES).then().statusCode(401)
                    .contentType(startsWith("application/json"))
                    .body("error.code", equalTo("Authentication_InvalidCredentials"));
            assertEquals(2, tokenRequests("revoked"), "the first token and exactly one refresh");
        } finally {
            simulator.rejectAllTokens(false);
        }
    }

    @Test
    void aWrongSecretIsA502NamingTheAadstsCodeAndNeverTheSecret() {
        try (LogCapture logs = LogCapture.install()) {
            int failuresBefore = simulator.stats().getInteger("tokenFailures");
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                String body = given().get("/bc/badsecret" + COMPANIES).then().statusCode(502)
                        .contentType("application/problem+json")
                        .body("type", equalTo("urn:bc-gateway:problem:token-rejected"))
                        .body("aadstsCode", equalTo("AADSTS7000215"))
                        .body("entraError", equalTo("invalid_client"))
                        .body("connection", equalTo("badsecret"))
                        .extract().asString();
                assertFalse(body.contains(SimulatorProcess.WRONG_SECRET), body);
            }
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            // The failure is remembered for 1 s (real time here; the exact back-off is unit-tested with a fake
            // clock): five quick calls make one token request. On a loaded machine the five calls can take
            // longer than the memory lasts, so the bound is one request per started second, never one per call.
            int failures = simulator.stats().getInteger("tokenFailures") - failuresBefore;
            long allowed = Math.min(4, 1 + elapsedMillis / 1000);
            assertTrue(failures >= 1 && failures <= allowed,
                    "token requests for five calls in " + elapsedMillis + " ms: " + failures);
            assertFalse(logs.lines().isEmpty(), "the failure is logged");
            logs.lines().forEach(line -> assertFalse(line.contains(SimulatorProcess.WRONG_SECRET), line));
        }
    }

    @Test
    void anUnreachableTokenEndpointIsA503WithRetryAfterNamingTheUrlAndWhy() {
        String detail = given().get("/bc/entradown" + COMPANIES).then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("type", equalTo("urn:bc-gateway:problem:token-unavailable"))
                .body("error.code", equalTo("Gateway_TokenUnavailable"))
                .extract().path("detail");
        assertTrue(detail.matches("Connection 'entradown': token endpoint http://127\\.0\\.0\\.1:\\d+/"
                + "[0-9a-f-]+/oauth2/v2\\.0/token is unreachable: connection refused \\(.*\\)"), detail);
        // The status page names the same URL for the connection.
        String shown = given().get(Gateway.managementUrl("/q/gateway/status")).then().statusCode(200)
                .extract().path("connections.find { it.name == 'entradown' }.tokenEndpoint");
        assertTrue(detail.contains(shown), shown + " in " + detail);
    }

    private static String firstCompany() {
        return given().get("/bc/sim" + COMPANIES).then().statusCode(200).extract().path("value[0].id");
    }
}
