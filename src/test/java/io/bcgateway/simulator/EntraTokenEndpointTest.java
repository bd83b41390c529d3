package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.CLIENT;
import static io.bcgateway.simulator.SimulatorHarness.SCOPE;
import static io.bcgateway.simulator.SimulatorHarness.SECRET;
import static io.bcgateway.simulator.SimulatorHarness.TENANT;
import static io.bcgateway.simulator.SimulatorHarness.form;
import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EntraTokenEndpointTest {

    static SimulatorHarness sim;

    @BeforeAll
    static void start() throws Exception {
        sim = SimulatorHarness.start();
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    static JsonNode claims(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length);
        assertFalse(jwt.contains("="), "base64url without padding");
        return SimulatorHarness.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    @Test
    void clientCredentialsGrantReturnsBearerTokenForBusinessCentral() throws Exception {
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE));
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(r);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(3599, body.get("expires_in").asInt());
        assertEquals(3599, body.get("ext_expires_in").asInt());
        JsonNode c = claims(body.get("access_token").asText());
        long now = sim.clock.instant().getEpochSecond();
        assertEquals("https://api.businesscentral.dynamics.com", c.get("aud").asText());
        assertEquals("https://sts.windows.net/" + TENANT + "/", c.get("iss").asText());
        assertEquals(TENANT, c.get("tid").asText());
        assertEquals(CLIENT, c.get("appid").asText());
        assertEquals(CLIENT, c.get("azp").asText());
        assertEquals(now, c.get("iat").asLong());
        assertEquals(now, c.get("nbf").asLong());
        assertEquals(now + 3599, c.get("exp").asLong());
        Set<String> roles = new HashSet<>();
        c.get("roles").forEach(n -> roles.add(n.asText()));
        assertEquals(Set.of("API.ReadWrite.All", "Automation.ReadWrite.All"), roles);
        JsonNode header = SimulatorHarness.JSON.readTree(Base64.getUrlDecoder().decode(body.get("access_token").asText().split("\\.")[0]));
        assertEquals("RS256", header.get("alg").asText());
    }

    @Test
    void everyTokenHasUniqueJtiAndUti() throws Exception {
        JsonNode a = claims(sim.token());
        JsonNode b = claims(sim.token());
        assertFalse(a.get("jti").asText().equals(b.get("jti").asText()));
        assertFalse(a.get("uti").asText().equals(b.get("uti").asText()));
    }

    @Test
    void clientSecretBasicAuthenticationIsAccepted() throws Exception {
        String basic = Base64.getEncoder().encodeToString((SimulatorHarness.enc(CLIENT) + ":" + SimulatorHarness.enc(SECRET))
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = sim.send(HttpRequest.newBuilder(URI.create(sim.base + "/" + TENANT + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + SimulatorHarness.enc(SCOPE))));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(CLIENT, claims(json(r).get("access_token").asText()).get("appid").asText());
    }

    @Test
    void wrongSecretIsInvalidClient7000215With401AndSecretIsNotEchoed() throws Exception {
        String wrong = "my-wrong-secret-value-123";
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, wrong, SCOPE));
        assertAadsts(r, 401, "invalid_client", 7000215);
        assertFalse(r.body().contains(wrong));
        assertFalse(r.body().contains(SECRET));
    }

    @Test
    void unknownClientInTenantIsUnauthorizedClient700016() throws Exception {
        HttpResponse<String> r = sim.tokenRequest(TENANT, form("00000000-1111-2222-3333-444444444444", SECRET, SCOPE));
        assertAadsts(r, 400, "unauthorized_client", 700016);
        assertFalse(r.body().contains(SECRET));
    }

    @Test
    void aScopeThatIsNotAResourcesDefaultIsInvalidScope70011() throws Exception {
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET,
                "https://api.businesscentral.dynamics.com/user_impersonation"));
        assertAadsts(r, 400, "invalid_scope", 70011);
        assertFalse(r.body().contains(SECRET));
    }

    @Test
    void aResourceTheTenantDoesNotHaveIsInvalidResource500011() throws Exception {
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET, "api://not-exposed-here/.default"));
        assertAadsts(r, 400, "invalid_resource", 500011);
    }

    @Test
    void anExposedApiGetsTokensWithItsAudienceAndTheGrantedRolesVerifiableWithThePublishedKeys() throws Exception {
        sim.control("POST", "/_sim/apis", "{\"tenantId\":\"" + TENANT + "\",\"appIdUri\":\"api://gateway\","
                + "\"grants\":{\"" + CLIENT + "\":[\"Gateway.Read\"]}}");
        HttpResponse<String> r = sim.tokenRequest(TENANT, form(CLIENT, SECRET, "api://gateway/.default"));
        assertEquals(200, r.statusCode(), r.body());
        String token = json(r).get("access_token").asText();
        JsonNode c = claims(token);
        assertEquals("api://gateway", c.get("aud").asText());
        assertEquals("Gateway.Read", c.get("roles").get(0).asText());
        assertEquals(1, c.get("roles").size(), "only the roles granted on this API, not the app's BC roles");

        JsonNode discovery = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                sim.get(sim.base + "/" + TENANT + "/v2.0/.well-known/openid-configuration", null).body());
        assertEquals("https://login.microsoftonline.com/" + TENANT + "/v2.0", discovery.get("issuer").asText());
        JsonNode keys = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                sim.get(discovery.get("jwks_uri").asText(), null).body()).get("keys");
        assertEquals(1, keys.size());
        // Verify the token's signature with nothing but the published JWK, as a relying party does.
        java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
        java.security.PublicKey key = java.security.KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.RSAPublicKeySpec(new java.math.BigInteger(1, b64.decode(keys.get(0).get("n").asText())),
                        new java.math.BigInteger(1, b64.decode(keys.get(0).get("e").asText()))));
        String[] parts = token.split("\\.");
        java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key);
        rs256.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(rs256.verify(b64.decode(parts[2])), "signature verifies with the JWKS key");
    }

    @Test
    void unknownTenantIsInvalidRequest90002() throws Exception {
        HttpResponse<String> r = sim.tokenRequest("11111111-2222-3333-4444-555555555555", form(CLIENT, SECRET, SCOPE));
        assertAadsts(r, 400, "invalid_request", 90002);
    }

    @Test
    void unsupportedOrMissingGrantTypeIs70003() throws Exception {
        assertAadsts(sim.tokenRequest(TENANT, "grant_type=password&client_id=" + CLIENT + "&client_secret=" + SECRET), 400,
                "unsupported_grant_type", 70003);
        assertAadsts(sim.tokenRequest(TENANT, "client_id=" + CLIENT + "&client_secret=" + SECRET), 400, "unsupported_grant_type", 70003);
    }

    @Test
    void registeredAppsGetTokensWithTheirOwnRoles() throws Exception {
        sim.control("POST", "/_sim/apps", "{\"tenantId\":\"aaaaaaaa-0000-0000-0000-000000000001\",\"clientId\":\"reader\","
                + "\"clientSecret\":\"s3cret\",\"roles\":[\"API.ReadWrite.All\"]}");
        HttpResponse<String> r = sim.tokenRequest("aaaaaaaa-0000-0000-0000-000000000001", form("reader", "s3cret", SCOPE));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode c = claims(json(r).get("access_token").asText());
        assertEquals("reader", c.get("appid").asText());
        assertEquals(1, c.get("roles").size());
        HttpResponse<String> apps = sim.get(sim.base + "/_sim/apps", null);
        assertFalse(apps.body().contains("s3cret"), "app listing must not reveal secrets");
    }

    static void assertAadsts(HttpResponse<String> r, int status, String error, int code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode b = json(r);
        assertEquals(error, b.get("error").asText());
        String d = b.get("error_description").asText();
        assertTrue(d.startsWith("AADSTS" + code + ": "), d);
        assertTrue(d.contains("Trace ID: ") && d.contains("Correlation ID: ") && d.contains("Timestamp: "), d);
        assertEquals(code, b.get("error_codes").get(0).asInt());
        assertTrue(b.hasNonNull("timestamp"));
        assertTrue(d.contains(b.get("trace_id").asText()));
        assertTrue(d.contains(b.get("correlation_id").asText()));
    }
}
