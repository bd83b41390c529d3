package io.bcgateway.security;

import static io.bcgateway.testing.SecuredGatewayProfile.ADMIN_KEY;
import static io.bcgateway.testing.SecuredGatewayProfile.LIMITED_KEY;
import static io.bcgateway.testing.SecuredGatewayProfile.READER_KEY;
import static io.bcgateway.testing.SecuredGatewayProfile.SINGLE_KEY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.SecuredGatewayProfile;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Who gets in and what each caller may do, over real HTTP against the secured gateway: API keys (hashed in the
 * configuration) and Entra ID bearer tokens validated by quarkus-oidc against the simulator's Entra ID, each caller
 * with its own policy. Every refusal is problem+json, and the simulator's request log proves BC never saw it.
 */
@QuarkusTest
@TestProfile(SecuredGatewayProfile.class)
@WithTestResource(SimulatorProcess.class)
class CallerAuthTest {

    private static final String KEY = "X-API-Key";
    private static final String COMPANIES = "/bc/sim/api/v2.0/companies";

    @InjectSimulator
    SimulatorClient simulator;

    private String company;

    @BeforeEach
    void knowACompanyAndForgetEarlierRequests() {
        company = withKey(ADMIN_KEY).get(COMPANIES).then().statusCode(200).extract().path("value[0].id");
        simulator.resetRequestLog();
    }

    @Test
    void aRequestWithoutCredentialsIsRefusedWith401AndAChallenge() {
        refused(given().get(COMPANIES), 401, "unauthenticated")
                .then().header("WWW-Authenticate", startsWith("Bearer"))
                .body("detail", containsString("X-API-Key"));
        assertBcSawNothing();
    }

    @Test
    void anUnknownApiKeyIsRefusedWithoutRepeatingIt() {
        Response r = refused(withKey(READER_KEY + "-tampered").get(COMPANIES), 401, "unauthenticated");
        assertTrue(!r.asString().contains("tampered") && !r.asString().contains("bcgw_"), r.asString());
        refused(withKey("").get(COMPANIES), 401, "unauthenticated");
        assertBcSawNothing();
    }

    @Test
    void aReadOnlyKeyReadsButCannotPostPatchOrDelete() {
        try (LogCapture logs = LogCapture.install()) {
            withKey(READER_KEY).get(COMPANIES).then().statusCode(200);
            List<String> access = logs.awaitLines(l -> l.contains("GET /bc/sim/api/v2.0/companies connection=sim")
                    && l.endsWith("caller=reader"), 1, Duration.ofSeconds(5));
            assertEquals(1, access.size(), "the access log names the caller: " + logs.lines());
        }
        withKey(READER_KEY).get(customers()).then().statusCode(200);
        simulator.resetRequestLog();
        for (String method : List.of("POST", "PATCH", "DELETE", "PUT")) {
            Response r = withKey(READER_KEY).contentType("application/json").header("If-Match", "*")
                    .body("{\"displayName\":\"Not allowed\"}").request(method, customers());
            refused(r, 403, "forbidden").then().body("caller", equalTo("reader"))
                    .body("rule", equalTo("gateway.caller-auth.callers.reader.methods"))
                    .body("detail", containsString("GET, HEAD"));
        }
        assertBcSawNothing();
    }

    @Test
    void aKeyReachesOnlyThePathsItsPolicyNames() {
        withKey(READER_KEY).get(customers() + "?$top=1").then().statusCode(200);
        simulator.resetRequestLog();
        refused(withKey(READER_KEY).get("/bc/sim/api/v2.0/companies(" + company + ")/vendors"), 403, "forbidden")
                .then().body("rule", equalTo("gateway.caller-auth.callers.reader.paths"));
        // The same path percent-encoded is the same path: still denied.
        refused(withKey(READER_KEY).urlEncodingEnabled(false)
                .get("/bc/sim/api/v2.0/companies%28" + company + "%29/%76endors"), 403, "forbidden");
        assertBcSawNothing();
    }

    @Test
    void aKeyForOneConnectionCannotReachAnother() {
        withKey(SINGLE_KEY).get("/bc/single/api/v2.0/companies").then().statusCode(200);
        simulator.resetRequestLog();
        refused(withKey(SINGLE_KEY).get(COMPANIES), 403, "forbidden")
                .then().body("rule", equalTo("gateway.caller-auth.callers.single.connections"))
                .body("connection", equalTo("sim"));
        refused(withKey(READER_KEY).get("/bc/single/api/v2.0/companies"), 403, "forbidden");
        refused(withKey(SINGLE_KEY).get("/fanout/sim/companies/customers"), 403, "forbidden");
        assertBcSawNothing();
    }

    @Test
    void aBatchIsJudgedByEveryOperationItCarries() {
        JsonObject reads = batch(op("1", "GET", "companies(" + company + ")/customers?$top=1"));
        withKey(READER_KEY).contentType("application/json").body(reads.encode())
                .post("/bc/sim/api/v2.0/$batch").then().statusCode(200);
        simulator.resetRequestLog();
        JsonObject sneaky = batch(op("1", "GET", "companies(" + company + ")/customers"),
                op("2", "DELETE", "companies(" + company + ")/customers(00000000-0000-0000-0000-000000000001)"));
        refused(withKey(READER_KEY).contentType("application/json").body(sneaky.encode())
                .post("/bc/sim/api/v2.0/$batch"), 403, "forbidden")
                .then().body("rule", equalTo("gateway.caller-auth.callers.reader.methods"))
                .body("detail", containsString("operation '2'"));
        JsonObject elsewhere = batch(op("v", "GET", "companies(" + company + ")/vendors"));
        refused(withKey(READER_KEY).contentType("application/json").body(elsewhere.encode())
                .post("/bc/sim/api/v2.0/$batch"), 403, "forbidden");
        JsonObject absolute = batch(op("a", "GET", "https://example.invalid/v2.0/production/api/v2.0/companies"));
        refused(withKey(READER_KEY).contentType("application/json").body(absolute.encode())
                .post("/bc/sim/api/v2.0/$batch"), 403, "forbidden");
        assertBcSawNothing();
    }

    @Test
    void fanOutsFollowThePolicyToo() {
        withKey(READER_KEY).get("/fanout/sim/companies/customers?$top=1").then().statusCode(200);
        refused(withKey(READER_KEY).get("/fanout/sim/companies/vendors"), 403, "forbidden")
                .then().body("rule", equalTo("gateway.caller-auth.callers.reader.paths"));
        // "Every connection" is every connection this caller may use: sim only, for the reader.
        withKey(READER_KEY).get("/fanout/connections/api/v2.0/companies").then().statusCode(200)
                .body("'@gateway.targets'", equalTo(1)).body("value.'@gateway.connection'", everyItem(equalTo("sim")));
        refused(withKey(READER_KEY).header("X-Gateway-Connections", "sim,single")
                .get("/fanout/connections/api/v2.0/companies"), 403, "forbidden");
    }

    @Test
    void aCallersOwnRateLimitAnswers429NamingTheRule() {
        withKey(LIMITED_KEY).get(COMPANIES).then().statusCode(200);
        withKey(LIMITED_KEY).get(COMPANIES).then().statusCode(200);
        simulator.resetRequestLog();
        refused(withKey(LIMITED_KEY).get(COMPANIES), 429, "caller-rate-limited")
                .then().body("rule", equalTo("gateway.caller-auth.callers.limited.rate-limit"))
                .header("Retry-After", not(equalTo(null)));
        assertBcSawNothing();
        withKey(ADMIN_KEY).get(COMPANIES).then().statusCode(200); // other callers are not affected
    }

    @Test
    void aWorkloadTokenForTheGatewayActsAsItsCaller() {
        String token = tokenFor(SimulatorProcess.CALLER_APP);
        given().auth().oauth2(token).get(customers()).then().statusCode(200);
        simulator.resetRequestLog();
        refused(given().auth().oauth2(token).contentType("application/json").body("{\"displayName\":\"x\"}")
                .post(customers()), 403, "forbidden")
                .then().body("caller", equalTo("workload"));
        assertBcSawNothing();
        // A role granted on the gateway's API maps to a policy that may write.
        given().auth().oauth2(tokenFor(SimulatorProcess.ROLE_APP)).contentType("application/json")
                .body("{\"displayName\":\"Written by role\"}").post(customers()).then().statusCode(201);
    }

    @Test
    void tokensThatAreNotForTheGatewayAreRefused() {
        String bcToken = simulator.clientCredentialsToken(SimulatorProcess.CALLER_APP,
                SimulatorProcess.secretOf(SimulatorProcess.CALLER_APP), "https://api.businesscentral.dynamics.com/.default");
        refused(given().auth().oauth2(bcToken).get(COMPANIES), 401, "unauthenticated"); // wrong audience
        long now = Instant.now().getEpochSecond();
        refused(given().auth().oauth2(signed(claims(now - 7200, now - 3600))).get(COMPANIES), 401, "unauthenticated");
        refused(given().auth().oauth2(signed(claims(now, now + 3600).put("iss", "https://sts.windows.net/"
                + "11111111-2222-3333-4444-555555555555/"))).get(COMPANIES), 401, "unauthenticated");
        refused(given().auth().oauth2(signed(claims(now + 1800, now + 3600))).get(COMPANIES), 401, "unauthenticated");
        String valid = signed(claims(now, now + 3600));
        String[] parts = valid.split("\\.");
        refused(given().auth().oauth2(parts[0] + "." + parts[1] + ".AAAA").get(COMPANIES), 401, "unauthenticated");
        String unsigned = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "." + parts[1] + ".";
        refused(given().auth().oauth2(unsigned).get(COMPANIES), 401, "unauthenticated");
        refused(given().auth().oauth2("not-a-jwt").get(COMPANIES), 401, "unauthenticated");
        assertBcSawNothing();
    }

    @Test
    void aValidTokenThatNoPolicyNamesIsForbidden() {
        refused(given().auth().oauth2(tokenFor(SimulatorProcess.STRANGER_APP)).get(COMPANIES), 403, "forbidden")
                .then().body("rule", equalTo("gateway.caller-auth.callers"));
        assertBcSawNothing();
    }

    private String customers() {
        return "/bc/sim/api/v2.0/companies(" + company + ")/customers";
    }

    private static RequestSpecification withKey(String key) {
        return given().header(KEY, key);
    }

    private String tokenFor(String app) {
        return simulator.clientCredentialsToken(app, SimulatorProcess.secretOf(app),
                SimulatorProcess.GATEWAY_API + "/.default");
    }

    private String signed(JsonObject claims) {
        return simulator.signedToken(claims);
    }

    /** The claims of a caller token for the gateway, valid from {@code nbf} to {@code exp}. */
    private static JsonObject claims(long nbf, long exp) {
        return new JsonObject().put("aud", SimulatorProcess.GATEWAY_API)
                .put("iss", "https://sts.windows.net/" + SimulatorClient.TENANT + "/").put("iat", nbf).put("nbf", nbf)
                .put("exp", exp).put("azp", SimulatorProcess.CALLER_APP).put("appid", SimulatorProcess.CALLER_APP)
                .put("tid", SimulatorClient.TENANT).put("sub", "caller");
    }

    private static JsonObject op(String id, String method, String url) {
        return new JsonObject().put("id", id).put("method", method).put("url", url);
    }

    private static JsonObject batch(JsonObject... ops) {
        return new JsonObject().put("requests", new JsonArray(List.of((Object[]) ops)));
    }

    private static Response refused(Response r, int status, String type) {
        r.then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:" + type));
        return r;
    }

    private void assertBcSawNothing() {
        assertEquals(List.of(), simulator.bcRequests(), "refused requests never reach Business Central");
    }
}
