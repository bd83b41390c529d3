package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.bcgateway.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The credential kinds other than a configured secret, against the simulated Entra ID, which verifies client
 * assertions as Entra does: certificates ({@code private_key_jwt} with {@code x5t}), federated tokens read from a
 * file (workload identity), and a client secret file rotated on disk.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class CredentialsTest {

    private static final String COMPANIES = "/api/v2.0/companies";

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    @ConfigProperty(name = "gateway.connections.federated.federated-token-file")
    Path federatedTokenFile;

    @ConfigProperty(name = "gateway.connections.secretfile.client-secret-file")
    Path secretFile;

    /** Moves past the gateway's token failure back-off (1 s after the first failure), on both sides. */
    private void skipTokenBackoff() {
        ((ShiftableClock) clock).advance(Duration.ofSeconds(2));
        simulator.advanceClock(Duration.ofSeconds(2));
    }

    private int tokenRequests(String connection) {
        return simulator.tokenRequests(SimulatorProcess.clientIdOf(connection));
    }

    @Test
    void aCertificateConnectionGetsATokenWithASignedAssertionAndReachesBc() {
        given().get("/bc/cert" + COMPANIES).then().statusCode(200);
        given().get("/bc/cert" + COMPANIES).then().statusCode(200);
        assertEquals(1, tokenRequests("cert"), "the token from the assertion is cached like any other");
    }

    @Test
    void aWrongKeyIsA502WithAadsts700027AndTheAssertionIsNeverLogged() {
        try (LogCapture logs = LogCapture.install()) {
            String body = given().get("/bc/wrongcert" + COMPANIES).then().statusCode(502)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:bc-gateway:problem:token-rejected"))
                    .body("aadstsCode", equalTo("AADSTS700027"))
                    .body("entraError", equalTo("invalid_client"))
                    .body("connection", equalTo("wrongcert"))
                    .extract().asString();
            // A JWT's header starts with eyJ ('{"' in base64url): no assertion in the problem or in any log line.
            assertFalse(body.contains("eyJ"), body);
            logs.lines().forEach(line -> assertFalse(line.contains("eyJ"), line));
        }
    }

    @Test
    void theFederatedTokenFileIsReadAgainForEveryTokenRequest() throws Exception {
        given().get("/bc/federated" + COMPANIES).then().statusCode(200);
        assertEquals(1, tokenRequests("federated"));
        PrivateKey issuer = TestKeys.readPrivateKey(Files.readString(
                federatedTokenFile.resolveSibling("issuer-key.pem"), StandardCharsets.US_ASCII));
        String original = Files.readString(federatedTokenFile);
        try {
            // Kubernetes rotates the file; this token names another service account, which Entra does not trust.
            String foreign = TestKeys.federatedToken(issuer, "system:serviceaccount:other:app", Duration.ofHours(1));
            Files.writeString(federatedTokenFile, foreign);
            simulator.revokeIssuedTokens(); // BC now answers 401 and the gateway fetches a new token at once
            String body = given().get("/bc/federated" + COMPANIES).then().statusCode(502)
                    .body("type", equalTo("urn:bc-gateway:problem:token-rejected"))
                    .body("aadstsCode", equalTo("AADSTS70021"))
                    .extract().asString();
            assertFalse(body.contains(foreign), body);
            assertEquals(2, tokenRequests("federated"), "the rewritten file was sent with the next token request");

            Files.writeString(federatedTokenFile, TestKeys.federatedToken(issuer, TestKeys.FEDERATED_SUBJECT,
                    Duration.ofHours(1)));
            skipTokenBackoff();
            given().get("/bc/federated" + COMPANIES).then().statusCode(200);
            assertEquals(3, tokenRequests("federated"));
        } finally {
            Files.writeString(federatedTokenFile, original);
        }
    }

    @Test
    void aClientSecretFileRotatedOnDiskIsUsedWithoutARestart() throws Exception {
        try (LogCapture logs = LogCapture.install()) {
            given().get("/bc/secretfile" + COMPANIES).then().statusCode(502)
                    .body("aadstsCode", equalTo("AADSTS7000215"));
            Files.writeString(secretFile, SimulatorProcess.secretOf("secretfile") + "\n");
            skipTokenBackoff();
            given().get("/bc/secretfile" + COMPANIES).then().statusCode(200);
            given().get("/bc/secretfile" + COMPANIES).then().statusCode(200);
            assertEquals(2, tokenRequests("secretfile"), "one refused request, one with the rotated secret");
            logs.lines().forEach(line -> {
                assertFalse(line.contains(SimulatorProcess.secretOf("secretfile")), line);
                assertFalse(line.contains(SimulatorProcess.WRONG_SECRET), line);
            });
        }
    }
}
