package io.bcgateway.health;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Readiness follows each connection's token state from the cache: a refused credential turns the connection DOWN,
 * a fixed one UP again, and the probes between make no more token requests than the failure back-off allows.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class ReadinessTest {

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    @ConfigProperty(name = "gateway.connections.readyflip.client-secret-file")
    Path secretFile;

    private String readyflip() {
        return given().get(Gateway.managementUrl("/q/health/ready")).then().extract()
                .path("checks.find { it.name == 'bc-connections' }.data.readyflip");
    }

    private int tokenRequests() {
        return simulator.tokenRequests(SimulatorProcess.clientIdOf("readyflip"));
    }

    @Test
    void aRefusedCredentialTurnsTheConnectionDownAndAFixedOneUpWithoutATokenStorm() throws Exception {
        long start = System.nanoTime();
        given().get("/bc/readyflip/api/v2.0/companies").then().statusCode(502);
        assertEquals(1, tokenRequests());
        for (int i = 0; i < 20; i++) {
            String state = readyflip();
            assertTrue(state.startsWith("DOWN") && state.contains("AADSTS7000215"), state);
        }
        // Probes retry no faster than the failure back-off (1 s, 2 s, 4 s, ... of real time here): in t seconds at
        // most one request per back-off step that has run out.
        double seconds = (System.nanoTime() - start) / 1e9;
        int allowed = 1;
        for (double elapsedSteps = 1, step = 1; elapsedSteps <= seconds; step *= 2, elapsedSteps += step) {
            allowed++;
        }
        int made = tokenRequests();
        assertTrue(made <= allowed, made + " token requests in " + seconds + " s of probes; the back-off allows "
                + allowed);
        assertFalse(given().get(Gateway.managementUrl("/q/health/ready")).asString()
                .contains(SimulatorProcess.WRONG_SECRET));

        Files.writeString(secretFile, SimulatorProcess.secretOf("readyflip") + "\n");
        ((ShiftableClock) clock).advance(Duration.ofSeconds(2)); // past the 1 s failure back-off
        String state = readyflip(); // this probe starts the one token request the back-off now allows
        for (int i = 0; i < 50 && !state.startsWith("UP"); i++) {
            state = readyflip(); // the request runs in the background; bounded wait for its answer
        }
        assertTrue(state.startsWith("UP"), state);
        // One request with the fixed secret, plus at most one that a probe had just started when `made` was read.
        int after = tokenRequests();
        assertTrue(after == made + 1 || after == made + 2, made + " then " + after + " token requests");
    }
}
