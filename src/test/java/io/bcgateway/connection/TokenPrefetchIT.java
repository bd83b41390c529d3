package io.bcgateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.JavaProcess;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;

/**
 * The packaged gateway in the production profile requests each principal's first token while it starts
 * ({@code gateway.token.fetch-at-start}, on by default), so the first caller of a freshly started sidecar or
 * scaled-from-zero gateway does not wait for the grant. A refused grant at start does not stop the start.
 */
class TokenPrefetchIT {

    private static final String CLIENT = "7e57ab1e-0000-4000-8000-00000000f001";
    private static final String SECRET = "prefetch-secret-4b1d";

    private final SimulatorProcess simulatorProcess = new SimulatorProcess();
    private SimulatorClient simulator;
    private JavaProcess gateway;

    @BeforeEach
    void startSimulator() {
        simulator = new SimulatorClient(simulatorProcess.start().get("gateway.connections.sim.base-url"));
        simulator.registerApp(CLIENT, SECRET);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        simulatorProcess.stop();
    }

    @Test
    void firstTokenIsFetchedWhileStartingAndTheFirstCallUsesIt() throws Exception {
        String base = start(SECRET);
        // No caller has asked yet: the one token request is the start-up's own.
        assertEquals(1, awaitTokenRequests(1), "token requests before the first call");

        HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "/bc/warm/api/v2.0/companies")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(1, simulator.tokenRequests(CLIENT), "the first call used the token fetched at start");
    }

    @Test
    void aRefusedGrantAtStartIsLoggedOnceWithoutTheSecretAndTheGatewayStillStarts() {
        String wrong = "wrong-prefetch-secret-9d0c";
        start(wrong);
        assertEquals(1, awaitTokenRequests(1), "token requests at start");
        // The warning is written when the answer comes back, a moment after the simulator counted the request.
        Pattern refused = Pattern.compile("Connection 'warm': token endpoint \\S+ refused the credentials");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gateway.firstMatch(refused) == null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // another process's output: polled
        }
        assertTrue(gateway.alive(), "a refused grant does not stop the gateway");
        assertEquals(1, gateway.output().stream().filter(l -> refused.matcher(l).find()).count(),
                "one warning: " + gateway.output());
        assertFalse(gateway.output().stream().anyMatch(l -> l.contains(wrong)), "the secret is never logged");
    }

    /** The packaged gateway with one connection "warm" for {@link #CLIENT}; returns its base URL once it listens. */
    private String start(String secret) {
        String p = "-Dgateway.connections.warm.";
        gateway = JavaProcess.startPackagedGateway(List.of(
                p + "tenant-id=" + SimulatorClient.TENANT, p + "client-id=" + CLIENT, p + "client-secret=" + secret,
                p + "environment=production", p + "base-url=" + simulator.baseUrl(),
                p + "token-url=" + simulator.tokenUrl()));
        return gateway.awaitReady();
    }

    /** The simulator's count of token requests for {@link #CLIENT} once it reaches {@code expected} (up to 30 s). */
    private int awaitTokenRequests(int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int seen = simulator.tokenRequests(CLIENT);
        while (seen < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // another process's counter: polled
            seen = simulator.tokenRequests(CLIENT);
        }
        return seen;
    }
}
