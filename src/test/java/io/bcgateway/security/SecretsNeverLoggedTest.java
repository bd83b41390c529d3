package io.bcgateway.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A whole scenario with every logger at TRACE (a separate start: log levels are fixed at start-up). Every log
 * line and every answer is scanned for the client secrets, for anything shaped like a JWT (issued tokens, client
 * assertions, federated tokens all start with {@code eyJ}) and for private key material: zero hits.
 */
@QuarkusTest
@TestProfile(SecretsNeverLoggedTest.TraceLogging.class)
@WithTestResource(SimulatorProcess.class)
class SecretsNeverLoggedTest {

    /** Everything at TRACE, captured in memory; the console stays at INFO so CI logs stay readable. */
    public static class TraceLogging implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.min-level", "TRACE", "quarkus.log.level", "TRACE",
                    "quarkus.log.console.level", "INFO");
        }
    }

    @InjectSimulator
    SimulatorClient simulator;

    @Test
    void noSecretTokenOrKeyReachesALogLineOrAnAnswerAtTrace() {
        List<String> answers = new ArrayList<>();
        try (LogCapture logs = LogCapture.install()) {
            String company = given().get("/bc/sim/api/v2.0/companies").then().statusCode(200)
                    .extract().path("value[0].id");
            answers.add(given().contentType("application/json").body("{\"displayName\":\"Trace Customer\"}")
                    .post("/bc/sim/api/v2.0/companies(" + company + ")/customers").asString());
            simulator.revokeIssuedTokens(); // forces the 401 → fresh token → replay path
            answers.add(given().get("/bc/sim/api/v2.0/companies").asString());
            for (String connection : List.of("badsecret", "secretfile", "cert", "wrongcert", "federated",
                    "entradown", "bcdown")) {
                answers.add(given().get("/bc/" + connection + "/api/v2.0/companies").asString());
            }
            answers.add(given().header("Authorization", "Bearer eyJcaller.token.never-forwarded-or-logged")
                    .get("/bc/sim/api/v2.0/companies").asString());
            answers.add(given().get("/fanout/sim/companies/customers?$top=1").asString());
            answers.add(given().get("/q/health/ready").asString());

            List<String> secrets = new ArrayList<>(List.of(SimulatorClient.DEMO_SECRET, SimulatorProcess.WRONG_SECRET,
                    "eyJ", "PRIVATE KEY", "client_assertion=", "client_secret="));
            SimulatorProcess.SCENARIO_CONNECTIONS.forEach(c -> secrets.add(SimulatorProcess.secretOf(c)));
            // The test JVM also holds rest-assured's HTTP client, whose wire log shows what the test itself sent.
            List<String> gatewayLines = logs.lines().stream().filter(l -> !l.startsWith("org.apache.http")).toList();
            assertTrue(gatewayLines.size() > 100, "TRACE logging was on: " + gatewayLines.size() + " lines");
            for (String secret : secrets) {
                for (String line : gatewayLines) {
                    assertFalse(line.contains(secret), () -> "log line holds '" + secret + "': " + line);
                }
                for (String answer : answers) {
                    assertFalse(answer.contains(secret), () -> "answer holds '" + secret + "': " + answer);
                }
            }
        }
    }
}
