package io.bcgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.CallerTransport;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.bcgateway.testing.TlsListener;
import io.vertx.core.json.JsonObject;

/**
 * Graceful shutdown of the packaged gateway, as Kubernetes does it: 50 slow requests in flight at Business Central
 * (half over HTTP/1.1, half over HTTP/2 and TLS), SIGTERM, then every one of the 50 completes with 200 and is logged
 * so, new requests are refused (503 shutting-down, never sent to BC), the process exits within the grace period, and
 * afterwards the port refuses connections.
 */
class ShutdownIT {

    private static final int IN_FLIGHT = 50;
    private static final int LATENCY_MILLIS = 8000;

    private final SimulatorProcess simulatorProcess = new SimulatorProcess();
    /** Everything the gateway wrote to its console (JSON logging is switched on for this run). */
    private final List<String> gatewayOutput = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SimulatorClient simulator;
    private Process gateway;
    private Thread gatewayPump;

    @AfterEach
    void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
        simulatorProcess.stop();
    }

    @Test
    void fiftyRequestsInFlightAtSigtermAllCompleteAndNewOnesAreRefused() throws Exception {
        Map<String, String> config = simulatorProcess.start();
        simulator = new SimulatorClient(config.get("gateway.connections.sim.base-url"));
        int port = freePort();
        int tlsPort = freePort();
        int managementPort = freePort();
        String base = "http://127.0.0.1:" + port;
        gateway = launchGateway(port, tlsPort, managementPort, config);
        awaitUp("http://127.0.0.1:" + managementPort);
        // Half the callers come over HTTPS with HTTP/2 (ALPN), all 25 on one connection: the drain waits for their
        // streams as for HTTP/1.1 requests, and their answers are logged whole (status=200), not as broken off.
        HttpClient tlsClient = CallerTransport.H2_TLS.client();
        HttpRequest companiesOverTls = HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort
                + "/bc/sim/api/v2.0/companies")).timeout(Duration.ofSeconds(60)).GET().build();

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest companies = HttpRequest.newBuilder(URI.create(base + "/bc/sim/api/v2.0/companies"))
                .timeout(Duration.ofSeconds(60)).GET().build();
        assertEquals(200, client.send(companies, HttpResponse.BodyHandlers.ofString()).statusCode(), "warm-up");
        // TLS's first handshake on both sides costs seconds on a busy machine: done before the clock starts, and the
        // HTTP/2 connection it opens carries the 25.
        HttpResponse<String> tlsWarmUp = tlsClient.send(companiesOverTls, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tlsWarmUp.statusCode(), "warm-up over TLS");
        assertEquals(HttpClient.Version.HTTP_2, tlsWarmUp.version());

        // Every request holds a running slot at BC for 8 s (time for all 50 to start on a busy machine); BC and the
        // gateway allow all 50 at once.
        simulator.updateSettings(new JsonObject().put("latencyMillis", LATENCY_MILLIS).put("maxRunning", 100)
                .put("maxQueued", 95));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            calls.add(i % 2 == 0 ? client.sendAsync(companies, HttpResponse.BodyHandlers.ofString())
                    : tlsClient.sendAsync(companiesOverTls, HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LATENCY_MILLIS / 1000 - 1);
        int running = 0;
        while (running < IN_FLIGHT && System.nanoTime() < deadline) {
            running = simulator.limits().getJsonObject(SimulatorClient.DEMO_CLIENT_ID).getInteger("running");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling another process: no event to wait on
        }
        assertEquals(IN_FLIGHT, running, "all 50 requests are running at BC when SIGTERM comes");
        int bcRequestsAtSigterm = simulator.stats().getInteger("bcRequests", -1);

        // SIGTERM. Through the ProcessHandle: Process.destroy() also closes our end of the process's output pipe,
        // and the gateway's log lines during the drain would be lost.
        assertTrue(gateway.toHandle().destroy(), "SIGTERM sent");

        // Once the gateway has seen the signal (its log says so), every new request, each on a new connection, is
        // refused at once, and BC never sees it.
        long signalled = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gatewayOutput.stream().noneMatch(l -> l.contains("Shutting down: new requests are refused"))
                && System.nanoTime() < signalled) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // another process's output: polled
        }
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> late = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(URI.create(base + "/bc/sim/api/v2.0/companies"))
                            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, late.statusCode(), late.body());
            assertTrue(late.body().contains("urn:bc-gateway:problem:shutting-down"), late.body());
            assertEquals("close", late.headers().firstValue("Connection").orElse(""));
        }
        assertTrue(calls.stream().noneMatch(CompletableFuture::isDone), "the 50 were still in flight");

        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get();
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"value\""), "a whole answer");
        }
        assertEquals(IN_FLIGHT / 2, calls.stream().filter(c -> c.join().version() == HttpClient.Version.HTTP_2).count(),
                "half of them over HTTP/2 and TLS");
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway exits once the drain is done");
        if (bcRequestsAtSigterm >= 0) {
            assertEquals(bcRequestsAtSigterm, simulator.stats().getInteger("bcRequests"),
                    "nothing new reached BC after SIGTERM");
        }
        assertThrows(ConnectException.class, () -> HttpClient.newHttpClient().send(companies,
                HttpResponse.BodyHandlers.discarding()), "the port is closed");
        assertFalse(gateway.isAlive());
        assertJsonLogsWithAccessLines();
    }

    /** quarkus.log.console.json.enabled=true: one JSON object per line, access lines included, no secret. */
    private void assertJsonLogsWithAccessLines() throws InterruptedException {
        gatewayPump.join(10_000); // the process has exited: read its output to the end
        List<JsonObject> lines = new ArrayList<>();
        for (String line : gatewayOutput) {
            lines.add(new JsonObject(line)); // fails on any line that is not JSON
            assertFalse(line.contains(SimulatorClient.DEMO_SECRET), "no secret in the logs");
        }
        long access = lines.stream().filter(l -> "io.bcgateway.access".equals(l.getString("loggerName")))
                .filter(l -> l.getString("message").startsWith("GET /bc/sim/api/v2.0/companies connection=sim status=200"))
                .count();
        assertEquals(2 + IN_FLIGHT, access, "one access line per request: the two warm-ups and the 50");
        assertTrue(lines.stream().anyMatch(l -> l.getString("message", "").startsWith("Shutting down")));
    }

    private Process launchGateway(int port, int tlsPort, int managementPort, Map<String, String> simulatorConfig)
            throws IOException {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the gateway first: " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.shutdown.timeout=30s", "-Dquarkus.log.console.json.enabled=true",
                "-Dgateway.connections.sim.limits.max-running=100", "-Dgateway.upstream.max-pool-size=100",
                // the 50 identical GETs must each run at BC, not share one call
                "-Dgateway.coalesce.enabled=false"));
        TlsListener.config().forEach((k, v) -> {
            if (!k.endsWith("ssl-port")) {
                command.add("-D" + k + "=" + v); // the certificate; the port is this test's
            }
        });
        command.add("-Dquarkus.http.ssl-port=" + tlsPort);
        simulatorConfig.forEach((k, v) -> {
            if (k.startsWith("gateway.connections.sim.")) {
                command.add("-D" + k + "=" + v);
            }
        });
        command.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    gatewayOutput.add(line);
                    System.out.println("[gateway] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "gateway-output");
        pump.setDaemon(true);
        pump.start();
        gatewayPump = pump;
        return p;
    }

    /** Waits for the liveness check on the management interface at {@code management}. */
    private void awaitUp(String management) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertTrue(gateway.isAlive(), "the gateway exited during start-up");
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(management + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError("the gateway did not start within 90 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
