package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.SCOPE;
import static io.bcgateway.simulator.SimulatorHarness.TENANT;
import static io.bcgateway.simulator.SimulatorHarness.enc;
import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.TestKeys;
import io.bcgateway.token.CertificateAssertion;
import io.bcgateway.token.Thumbprints;

/**
 * The simulated Entra ID checks client assertions as Entra does; the gateway's {@link CertificateAssertion} is
 * what it checks. Errors never carry the assertion.
 */
class ClientAssertionTest {

    private static final String CERT_APP = "11111111-0000-4000-8000-00000000c3c3";
    private static final String FED_APP = "11111111-0000-4000-8000-00000000fed0";
    private static final String THUMBPRINT = "DC:12:38:CE:DE:BF:62:75:82:A3:A5:08:A5:38:99:27:60:B7:F7:0F";

    static SimulatorHarness sim;
    static KeyPair certKey;
    static KeyPair issuerKey;

    @BeforeAll
    static void start() throws Exception {
        sim = SimulatorHarness.start();
        certKey = TestKeys.rsa();
        issuerKey = TestKeys.rsa();
        sim.control("POST", "/_sim/apps", new io.vertx.core.json.JsonObject().put("tenantId", TENANT)
                .put("clientId", CERT_APP).put("publicKeyPem", TestKeys.publicKeyPem(certKey))
                .put("thumbprint", THUMBPRINT).encode());
        sim.control("POST", "/_sim/apps", new io.vertx.core.json.JsonObject().put("tenantId", TENANT)
                .put("clientId", FED_APP).put("federatedIssuer", TestKeys.FEDERATED_ISSUER)
                .put("federatedSubject", TestKeys.FEDERATED_SUBJECT)
                .put("federatedPublicKeyPem", TestKeys.publicKeyPem(issuerKey)).encode());
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    private static String tokenUrl() {
        return sim.base + "/" + TENANT + "/oauth2/v2.0/token";
    }

    private static CertificateAssertion assertion(KeyPair key, String clientId, String audience, Duration clockOffset) {
        Clock clock = Clock.fixed(sim.clock.instant().plus(clockOffset), ZoneOffset.UTC);
        return new CertificateAssertion(key.getPrivate(), Thumbprints.x5tFromHex(THUMBPRINT), clientId, audience,
                clock);
    }

    /** One signed assertion, as the gateway sends it (signing needs no I/O, so its future is already complete). */
    private static String signed(KeyPair key, String clientId, String audience, Duration clockOffset) {
        return assertion(key, clientId, audience, clockOffset).next().result();
    }

    private static HttpResponse<String> withAssertion(String clientId, String assertion) throws Exception {
        HttpResponse<String> r = sim.tokenRequest(TENANT, "grant_type=client_credentials&client_id=" + enc(clientId)
                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + enc(assertion) + "&scope=" + enc(SCOPE));
        assertFalse(r.body().contains(assertion), "the assertion is never echoed");
        return r;
    }

    private static void assertRefused(HttpResponse<String> r, int status, String error, int code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(error, body.get("error").asText());
        assertEquals(code, body.get("error_codes").get(0).asInt());
        assertTrue(body.get("error_description").asText().startsWith("AADSTS" + code + ": "), body.toString());
    }

    private static JsonNode part(String jwt, int i) throws Exception {
        return SimulatorHarness.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]));
    }

    @Test
    void theGatewaysCertificateAssertionHasTheClaimsAndHeaderEntraRequires() throws Exception {
        CertificateAssertion a = assertion(certKey, CERT_APP, tokenUrl(), Duration.ZERO);
        String jwt = a.next().result();
        JsonNode header = part(jwt, 0);
        JsonNode claims = part(jwt, 1);
        assertEquals("RS256", header.get("alg").asText());
        assertEquals("3BI4zt6_YnWCo6UIpTiZJ2C39w8", header.get("x5t").asText());
        assertEquals(tokenUrl(), claims.get("aud").asText());
        assertEquals(CERT_APP, claims.get("iss").asText());
        assertEquals(CERT_APP, claims.get("sub").asText());
        long lifetime = claims.get("exp").asLong() - claims.get("nbf").asLong();
        assertTrue(lifetime > 0 && lifetime <= 600, "exp at most 10 minutes after nbf: " + lifetime);
        String again = a.next().result();
        assertNotEquals(claims.get("jti").asText(), part(again, 1).get("jti").asText(), "a new jti per request");
    }

    @Test
    void aValidCertificateAssertionGetsAToken() throws Exception {
        HttpResponse<String> r = withAssertion(CERT_APP, signed(certKey, CERT_APP, tokenUrl(), Duration.ZERO));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(CERT_APP, EntraTokenEndpointTest.claims(json(r).get("access_token").asText()).get("appid").asText());
    }

    @Test
    void anAudienceWithATrailingSlashIsAccepted() throws Exception {
        HttpResponse<String> r = withAssertion(CERT_APP, signed(certKey, CERT_APP, tokenUrl() + "/", Duration.ZERO));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void anAssertionSignedWithAnotherKeyIsAadsts700027() throws Exception {
        assertRefused(withAssertion(CERT_APP, signed(TestKeys.rsa(), CERT_APP, tokenUrl(), Duration.ZERO)),
                401, "invalid_client", 700027);
    }

    @Test
    void anUnknownThumbprintIsAadsts700027() throws Exception {
        Clock clock = Clock.fixed(sim.clock.instant(), ZoneOffset.UTC);
        String jwt = new CertificateAssertion(certKey.getPrivate(), Thumbprints.x5tFromHex("00".repeat(20)), CERT_APP,
                tokenUrl(), clock).next().result();
        assertRefused(withAssertion(CERT_APP, jwt), 401, "invalid_client", 700027);
    }

    @Test
    void anExpiredAssertionIsAadsts700024() throws Exception {
        assertRefused(withAssertion(CERT_APP, signed(certKey, CERT_APP, tokenUrl(), Duration.ofMinutes(-10))),
                401, "invalid_client", 700024);
    }

    @Test
    void anAssertionForAnotherTokenUrlIsRefused() throws Exception {
        String other = "https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/token";
        assertRefused(withAssertion(CERT_APP, signed(certKey, CERT_APP, other, Duration.ZERO)),
                401, "invalid_client", 700027);
    }

    @Test
    void anAssertionIssuedForAnotherClientIsAadsts700021() throws Exception {
        String jwt = signed(certKey, "someone-else", tokenUrl(), Duration.ZERO);
        assertRefused(withAssertion(CERT_APP, jwt), 401, "invalid_client", 700021);
    }

    @Test
    void aFederatedTokenFromTheTrustedIssuerAndSubjectGetsAToken() throws Exception {
        HttpResponse<String> r = withAssertion(FED_APP, TestKeys.federatedToken(issuerKey.getPrivate(),
                TestKeys.FEDERATED_SUBJECT, Duration.ofHours(1), sim.clock.instant()));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void aFederatedTokenForAnotherSubjectIsAadsts70021() throws Exception {
        assertRefused(withAssertion(FED_APP, TestKeys.federatedToken(issuerKey.getPrivate(),
                "system:serviceaccount:other:app", Duration.ofHours(1), sim.clock.instant())), 400, "invalid_request", 70021);
    }

    @Test
    void aFederatedTokenWithoutTheTokenExchangeAudienceIsAadsts70021() throws Exception {
        long now = sim.clock.instant().getEpochSecond();
        String jwt = TestKeys.sign(issuerKey.getPrivate(), new io.vertx.core.json.JsonObject().put("alg", "RS256"),
                new io.vertx.core.json.JsonObject().put("iss", TestKeys.FEDERATED_ISSUER)
                        .put("sub", TestKeys.FEDERATED_SUBJECT).put("aud", "api://SomethingElse")
                        .put("nbf", now).put("exp", now + 3600));
        assertRefused(withAssertion(FED_APP, jwt), 400, "invalid_request", 70021);
    }

    @Test
    void aFederatedTokenSignedByAnotherKeyIsAadsts700027() throws Exception {
        assertRefused(withAssertion(FED_APP, TestKeys.federatedToken(TestKeys.rsa().getPrivate(),
                TestKeys.FEDERATED_SUBJECT, Duration.ofHours(1), sim.clock.instant())), 401, "invalid_client", 700027);
    }

    @Test
    void anExpiredFederatedTokenIsAadsts700024() throws Exception {
        long now = sim.clock.instant().getEpochSecond();
        String jwt = TestKeys.sign(issuerKey.getPrivate(), new io.vertx.core.json.JsonObject().put("alg", "RS256"),
                new io.vertx.core.json.JsonObject().put("iss", TestKeys.FEDERATED_ISSUER)
                        .put("sub", TestKeys.FEDERATED_SUBJECT).put("aud", TestKeys.TOKEN_EXCHANGE_AUDIENCE)
                        .put("nbf", now - 7200).put("exp", now - 3600));
        assertRefused(withAssertion(FED_APP, jwt), 401, "invalid_client", 700024);
    }

    @Test
    void aSecretStillWorksForAnAppThatHasOneAndIsRefusedForAnAppThatHasNone() throws Exception {
        assertEquals(200, sim.tokenRequest(TENANT, SimulatorHarness.form(SimulatorHarness.CLIENT, SimulatorHarness.SECRET,
                SCOPE)).statusCode());
        assertRefused(sim.tokenRequest(TENANT, SimulatorHarness.form(CERT_APP, "guess", SCOPE)), 401, "invalid_client",
                7000215);
    }
}
