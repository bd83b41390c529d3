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
import io.vertx.core.json.JsonObject;

/**
 * Percent-encoded control characters in the path ({@code %0d%0a}, {@code %09}, {@code %7f}, ...) are refused with a
 * 400 problem before anything is sent, like their raw forms (issue 16 section 4; found again by the path guard's
 * fuzz test). Same profile and simulator as {@link HostileInputTest}, so Quarkus does not restart between them.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class EncodedControlCharacterTest {

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
    void anOrdinaryEscapeStillReachesBusinessCentral() {
        simulator.resetRequestLog();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET /bc/sim/api/v2.0/compan%69es HTTP/1.1", null);

        assertEquals(1, simulator.bcRequests().size(), answer.status() + " " + answer.body());
    }
}
