package io.bcgateway.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** The operator's status page: per connection and principal, from the gateway's state, never a token. */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class StatusTest {

    private static JsonObject connection(JsonObject status, String name) {
        return status.getJsonArray("connections").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals(name)).findFirst().orElseThrow();
    }

    @Test
    void showsTokenExpiryQuotaCircuitAndBcsLastErrorButNoToken() {
        given().get("/bc/sim/api/v2.0/companies").then().statusCode(200);
        String requestId = given().get("/bc/sim/api/v2.0/nosuchentity").then().statusCode(404)
                .extract().header("request-id");
        given().get("/bc/badsecret/api/v2.0/companies").then().statusCode(502);

        String body = given().get(Gateway.managementUrl("/q/gateway/status"))
                .then().statusCode(200).contentType("application/json")
                .extract().asString();
        JsonObject status = new JsonObject(body);
        JsonObject sim = connection(status, "sim");
        assertEquals("closed", sim.getString("circuit"));
        JsonObject principal = sim.getJsonArray("principals").getJsonObject(0);
        assertEquals("sim", principal.getString("name"));
        assertTrue(principal.getJsonObject("token").getBoolean("usable"));
        assertTrue(Instant.parse(principal.getJsonObject("token").getString("expiresAt")).isAfter(Instant.now()));
        assertTrue(principal.getInteger("windowUsed") >= 2, principal::encode);
        assertEquals(6000, principal.getInteger("windowLimit"));
        assertEquals(0, principal.getInteger("queued"));
        JsonObject error = sim.getJsonObject("lastBcError");
        assertNotNull(error, sim::encode);
        assertEquals(404, error.getInteger("status"));
        assertNotNull(requestId);
        assertEquals(requestId, error.getString("requestId"));

        JsonObject bad = connection(status, "badsecret").getJsonArray("principals").getJsonObject(0)
                .getJsonObject("token");
        assertFalse(bad.getBoolean("usable"));
        assertTrue(bad.getString("lastFailure").contains("AADSTS7000215"), bad::encode);
        assertNull(bad.getString("expiresAt"));
        assertTrue(bad.getInteger("failures") >= 1, bad::encode);
        // The negative cache holds back the next request for 1 s after the first failure: set unless that passed.
        assertTrue(bad.containsKey("backoffUntil"), bad::encode);
        assertNull(bad.getString("lastRefresh"));
        JsonObject simToken = principal.getJsonObject("token");
        assertEquals(0, simToken.getInteger("failures"));
        assertNotNull(Instant.parse(simToken.getString("lastRefresh")));
        assertEquals(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("gateway.throttle.max-queued", Integer.class), principal.getInteger("maxQueued"));
        assertNotNull(Instant.parse(sim.getString("circuitSince")));

        assertFalse(body.contains("eyJ"), "no JWT in the status page");
        assertFalse(body.contains(SimulatorClient.DEMO_SECRET) || body.contains(SimulatorProcess.WRONG_SECRET)
                || body.contains("secret-of-"), "no secret in the status page");

        // gateway.health.require-all-connections=false (the default): a broken connection is DOWN in the details,
        // the gateway stays ready for the healthy ones.
        given().get(Gateway.managementUrl("/q/health/ready")).then().statusCode(200)
                .body("checks.find { it.name == 'bc-connections' }.data.badsecret", startsWith("DOWN"))
                .body("checks.find { it.name == 'drain' }.status", equalTo("UP"));

        // The page is one self-contained file: no script, style, font or image from anywhere else, and the
        // browser is told to fetch nothing but from the gateway itself.
        String page = given().get(Gateway.managementUrl("/q/gateway/status.html")).then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Content-Security-Policy", containsString("connect-src 'self'"))
                .extract().asString();
        assertTrue(page.contains("<title>bc-gateway status</title>"));
        assertFalse(page.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external asset");
        assertFalse(page.contains("innerHTML"), "data goes into the page as text only");
    }

    @Test
    void requestsThatNeverReachedBcDoNotCountInThePrincipalsWindow() {
        // Entra refuses the secret, and Entra cannot be reached: BC receives neither request.
        given().get("/bc/badsecret/api/v2.0/companies").then().statusCode(502);
        given().get("/bc/badsecret/api/v2.0/companies").then().statusCode(502);
        given().get("/bc/entradown/api/v2.0/companies").then().statusCode(503);
        given().get("/bc/entradown/api/v2.0/companies").then().statusCode(503);

        JsonObject status = new JsonObject(given().get(Gateway.managementUrl("/q/gateway/status")).then().statusCode(200).extract().asString());
        for (String name : new String[] {"badsecret", "entradown"}) {
            JsonObject principal = connection(status, name).getJsonArray("principals").getJsonObject(0);
            assertEquals(0, principal.getInteger("windowUsed"), principal::encode);
            assertEquals(0, principal.getInteger("running"), principal::encode);
        }
    }
}
