package io.bcgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.RawHttp;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The fuzz tests' findings, end to end through the gateway: each is a clear 400 problem and nothing reaches BC.
 * Percent-encoded control characters in the path ({@code %0d%0a}, {@code %09}, {@code %7f}, ...) are refused like
 * their raw forms (issue 16 section 4; found again by {@code PathGuardFuzzTest}); a {@code $batch} of more than 100
 * operations whose {@code dependsOn} is not a list is refused instead of failing inside the splitter
 * ({@code BatchSplitterFuzzTest}). Same profile and simulator as {@link HostileInputTest}, so Quarkus does not
 * restart between them.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class FuzzFindingsEndToEndTest {

    @InjectSimulator
    SimulatorClient simulator;

    @ParameterizedTest
    @ValueSource(strings = { "/bc/sim/api/v2.0/companies%0d%0aX-Injected:%20yes", "/bc/sim/api/v2.0/companies%09",
            "/bc/sim/api/v2.0/companies%0a", "/bc/sim/api/v2.0/companies%7f", "/bc/sim/api/v2.0/companies%1F",
            "/fanout/sim/companies/customers%0d%0a" })
    void refusedWith400BeforeBusinessCentral(String target) {
        simulator.resetRequestLog();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET " + target + " HTTP/1.1", null);

        assertEquals(400, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals("the path contains an encoded control character", new JsonObject(answer.body()).getString("detail"));
        assertEquals(List.of(), simulator.bcRequests(), "nothing reached BC");
    }

    @Test
    void aSplitBatchWhoseDependsOnIsNotAListIsRefused() {
        simulator.resetRequestLog();
        JsonArray requests = new JsonArray();
        for (int i = 0; i < 101; i++) {
            requests.add(new JsonObject().put("id", "op" + i).put("method", "GET").put("url", "companies"));
        }
        requests.getJsonObject(100).put("dependsOn", "op0");
        byte[] body = new JsonObject().put("requests", requests).toBuffer().getBytes();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port,
                "POST /bc/sim/api/v2.0/$batch HTTP/1.1\r\nContent-Type: application/json", body);

        assertEquals(400, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals("operation 'op100': dependsOn must be a list of ids", new JsonObject(answer.body()).getString("detail"));
        assertEquals(List.of(), simulator.bcRequests(), "nothing reached BC");
    }

    @Test
    void anOrdinaryEscapeStillReachesBusinessCentral() {
        simulator.resetRequestLog();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET /bc/sim/api/v2.0/compan%69es HTTP/1.1", null);

        assertEquals(1, simulator.bcRequests().size(), answer.status() + " " + answer.body());
    }
}
