package io.bcgateway.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.SecuredGatewayProfile;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A whole scenario with every logger at TRACE (a separate start: log levels are fixed at start-up), callers
 * authenticated with API keys and Entra ID bearer tokens. Every log line and every answer is scanned for the client
 * secrets, the API keys, anything shaped like a JWT (issued tokens, callers' tokens, client assertions, federated
 * tokens all start with {@code eyJ}) and private key material: zero hits.
 */
@QuarkusTest
@TestProfile(SecuredGatewayProfile.class)
@WithTestResource(SimulatorProcess.class)
class SecretsNeverLoggedTest {

    private static final String KEY = "X-API-Key";

    @InjectSimulator
    SimulatorClient simulator;

    @Test
    void noSecretTokenOrKeyReachesALogLineOrAnAnswerAtTrace() {
        List<String> answers = new ArrayList<>();
        try (LogCapture logs = LogCapture.install()) {
            String admin = SecuredGatewayProfile.ADMIN_KEY;
            String company = given().header(KEY, admin).get("/bc/sim/api/v2.0/companies").then().statusCode(200)
                    .extract().path("value[0].id");
            answers.add(given().header(KEY, admin).contentType("application/json")
                    .body("{\"displayName\":\"Trace Customer\"}")
                    .post("/bc/sim/api/v2.0/companies(" + company + ")/customers").asString());
            simulator.revokeIssuedTokens(); // forces the 401 → fresh token → replay path
            answers.add(given().header(KEY, admin).get("/bc/sim/api/v2.0/companies").asString());
            for (String connection : List.of("badsecret", "secretfile", "cert", "wrongcert", "federated",
                    "entradown", "bcdown")) {
                answers.add(given().header(KEY, admin).get("/bc/" + connection + "/api/v2.0/companies").asString());
            }
            // Callers' credentials: good, wrong and refused keys and tokens.
            String workloadToken = simulator.clientCredentialsToken(SimulatorProcess.CALLER_APP,
                    SimulatorProcess.secretOf(SimulatorProcess.CALLER_APP), SimulatorProcess.GATEWAY_API + "/.default");
            answers.add(given().auth().oauth2(workloadToken).get("/bc/sim/api/v2.0/companies").asString());
            answers.add(given().auth().oauth2(workloadToken).body("{}").contentType("application/json")
                    .post("/bc/sim/api/v2.0/companies(" + company + ")/customers").asString());
            answers.add(given().header("Authorization", "Bearer eyJcaller.token.never-forwarded-or-logged")
                    .get("/bc/sim/api/v2.0/companies").asString());
            answers.add(given().header(KEY, SecuredGatewayProfile.READER_KEY)
                    .get("/bc/sim/api/v2.0/companies(" + company + ")/vendors").asString());
            answers.add(given().header(KEY, SecuredGatewayProfile.READER_KEY + "x").get("/bc/sim/api/v2.0/companies")
                    .asString());
            answers.add(given().header(KEY, SecuredGatewayProfile.READER_KEY)
                    .get("/fanout/sim/companies/customers?$top=1").asString());
            answers.add(given().get(Gateway.managementUrl("/q/health/ready")).asString());
            // The operator's status page and the JSON it polls, after the token failures, 401 replay and callers'
            // refusals above: the events name what happened (AADSTS codes), never a credential.
            answers.add(given().get(Gateway.managementUrl("/q/gateway/status.html")).then().statusCode(200).extract().asString());
            answers.add(given().get(Gateway.managementUrl("/q/gateway/status")).then().statusCode(200).extract().asString());
            String events = given().get(Gateway.managementUrl("/q/gateway/events")).then().statusCode(200).extract().asString();
            assertTrue(events.contains("AADSTS7000215"), "the wrong secret's failure is an event: " + events);
            answers.add(events);
            answers.add(given().get(Gateway.managementUrl("/q/gateway/history")).then().statusCode(200).extract().asString());

            List<String> secrets = new ArrayList<>(List.of(SimulatorClient.DEMO_SECRET, SimulatorProcess.WRONG_SECRET,
                    "eyJ", "PRIVATE KEY", "client_assertion=", "client_secret="));
            SimulatorProcess.SCENARIO_CONNECTIONS.forEach(c -> secrets.add(SimulatorProcess.secretOf(c)));
            secrets.addAll(List.of(SecuredGatewayProfile.READER_KEY, SecuredGatewayProfile.ADMIN_KEY, "bcgw_",
                    SimulatorProcess.secretOf(SimulatorProcess.CALLER_APP), workloadToken));
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
