package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BcAuthenticationTest {

    static SimulatorHarness sim;

    @BeforeAll
    static void start() throws Exception {
        sim = SimulatorHarness.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @AfterEach
    void stopRejecting() {
        sim.sim.rejectAllTokens(false);
    }

    @Test
    void validTokenIsAccepted() throws Exception {
        assertEquals(200, sim.get(sim.api() + "/companies", sim.token()).statusCode());
    }

    @Test
    void missingAuthorizationIsRejectedWith401() throws Exception {
        assertUnauthorized(sim.get(sim.api() + "/companies", null));
    }

    @Test
    void malformedTokenIsRejectedWith401() throws Exception {
        assertUnauthorized(sim.get(sim.api() + "/companies", "not-a-jwt"));
    }

    @Test
    void forgedTokenWithForeignSignatureIsRejectedWith401() throws Exception {
        String genuine = sim.token();
        String forged;
        try (SimulatorHarness other = SimulatorHarness.start()) {
            forged = other.token(); // same claims shape, signed with another key
        }
        assertUnauthorized(sim.get(sim.api() + "/companies", forged));
        String[] p = genuine.split("\\.");
        String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1])).replace("API.ReadWrite.All", "API.ReadWrite.Al_").getBytes());
        assertUnauthorized(sim.get(sim.api() + "/companies", p[0] + "." + tamperedPayload + "." + p[2]));
    }

    @Test
    void expiredTokenIsRejectedWith401() throws Exception {
        String token = sim.token();
        sim.clock.advance(Duration.ofSeconds(3598));
        assertEquals(200, sim.get(sim.api() + "/companies", token).statusCode());
        sim.clock.advance(Duration.ofSeconds(1)); // now == exp
        assertUnauthorized(sim.get(sim.api() + "/companies", token));
    }

    @Test
    void notYetValidTokenIsRejectedWith401() throws Exception {
        String token = sim.token();
        sim.clock.advance(Duration.ofSeconds(-10));
        try {
            assertUnauthorized(sim.get(sim.api() + "/companies", token));
        } finally {
            sim.clock.advance(Duration.ofSeconds(10));
        }
    }

    @Test
    void tokenForAnotherAudienceIsRejectedWith401() throws Exception {
        ObjectNode claims = (ObjectNode) EntraTokenEndpointTest.claims(sim.token());
        claims.put("aud", "https://graph.microsoft.com");
        assertUnauthorized(sim.get(sim.api() + "/companies", sim.sim.tokens().signForTest(claims)));
    }

    @Test
    void tokenOfAnotherTenantIsRejectedWhenThePathCarriesATenant() throws Exception {
        String token = sim.token();
        String own = sim.base + "/v2.0/" + SimulatorHarness.TENANT + "/production/api/v2.0/companies";
        assertEquals(200, sim.get(own, token).statusCode());
        String foreign = sim.base + "/v2.0/99999999-2222-3333-4444-555555555555/production/api/v2.0/companies";
        assertUnauthorized(sim.get(foreign, token));
    }

    @Test
    void revokedTokensAreRejectedButNewOnesWork() throws Exception {
        String old = sim.token();
        sim.control("POST", "/_sim/tokens/revoke", "");
        assertUnauthorized(sim.get(sim.api() + "/companies", old));
        assertEquals(200, sim.get(sim.api() + "/companies", sim.token()).statusCode());
    }

    @Test
    void rejectAllRefusesEvenFreshTokensUntilDisabled() throws Exception {
        sim.control("PUT", "/_sim/tokens/reject-all", "{\"enabled\":true}");
        assertUnauthorized(sim.get(sim.api() + "/companies", sim.token()));
        sim.control("PUT", "/_sim/tokens/reject-all", "{\"enabled\":false}");
        assertEquals(200, sim.get(sim.api() + "/companies", sim.token()).statusCode());
    }

    @Test
    void unknownEnvironmentGetsTheXmlNoEnvironmentError() throws Exception {
        HttpResponse<String> r = sim.get(sim.base + "/v2.0/staging/api/v2.0/companies", sim.token());
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("<code>NoEnvironment</code>"), r.body());
        assertEquals(200, sim.get(sim.base + "/v2.0/Sandbox/api/v2.0/companies", sim.token()).statusCode());
        assertEquals(200, sim.get(sim.base + "/BC/api/v2.0/companies", sim.token()).statusCode());
    }

    static void assertUnauthorized(HttpResponse<String> r) throws Exception {
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        String requestId = r.headers().firstValue("request-id").orElseThrow();
        JsonNode err = json(r).get("error");
        assertEquals("Authentication_InvalidCredentials", err.get("code").asText());
        assertEquals("The server has rejected the client credentials.  CorrelationId:  " + requestId + ".", err.get("message").asText());
    }
}
