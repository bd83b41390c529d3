package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.JavaProcess;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.vertx.core.json.JsonObject;

/**
 * The packaged gateway with its default logging (Quarkus' plain console): the access log takes its own batched
 * writer to stdout ({@code gateway.access-log.output=auto}), and its lines read as the logger's did, one per request,
 * with the path templated, and none lost when the gateway is stopped with requests in flight.
 */
class StdoutAccessLogIT {

    private static final Pattern LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO  "
            + "\\[io\\.bcgateway\\.access\\] \\(vert\\.x-eventloop-thread-\\d+\\) GET (\\S+) connection=sim status=(\\d+) "
            + "duration_ms=\\d+ attempts=1 bc_request_id=[0-9a-f-]{36} caller=local$");
    private static final int IN_FLIGHT = 10;

    private final SimulatorProcess simulatorProcess = new SimulatorProcess();
    private JavaProcess gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        simulatorProcess.stop();
    }

    @Test
    void eachRequestLeavesOneConsoleFormattedLineOnStdoutAndNoneIsLostAtShutdown() throws Exception {
        Map<String, String> config = simulatorProcess.start();
        SimulatorClient simulator = new SimulatorClient(config.get("gateway.connections.sim.base-url"));
        String base = start(config);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String company = "5a1b0000-0000-4000-8000-00000000c0de";
        assertEquals(200, get(client, base + "/bc/sim/api/v2.0/companies?$filter=displayName%20eq%20'Adatum'").statusCode());
        get(client, base + "/bc/sim/api/v2.0/companies(" + company + ")/customers"); // BC's 404: logged as well

        // Requests held at BC while SIGTERM comes: their lines are written after the drain, as the gateway stops.
        simulator.updateSettings(new JsonObject().put("latencyMillis", 3000));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            calls.add(client.sendAsync(request(base + "/bc/sim/api/v2.0/companies"), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int running = 0;
        while (running < IN_FLIGHT && System.nanoTime() < deadline) {
            running = simulator.limits().getJsonObject(SimulatorClient.DEMO_CLIENT_ID).getInteger("running");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // another process's state: polled
        }
        gateway.terminate();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertEquals(200, call.get(30, TimeUnit.SECONDS).statusCode());
        }
        gateway.awaitExit(Duration.ofSeconds(40)); // 143: the JVM's status after SIGTERM and its shutdown hooks

        List<String> access = gateway.output().stream().filter(l -> l.contains("[io.bcgateway.access]")).toList();
        assertEquals(2 + IN_FLIGHT, access.size(), "one line per request: " + access);
        for (String line : access) {
            assertTrue(LINE.matcher(line).matches(), line);
        }
        assertTrue(access.get(0).contains(" GET /bc/sim/api/v2.0/companies connection=sim status=200 "), access.get(0));
        assertTrue(access.get(1).contains(" GET /bc/sim/api/v2.0/companies(*)/customers connection=sim status=404 "),
                access.get(1));
        assertEquals(IN_FLIGHT, access.stream().skip(2).filter(l -> l.contains(" status=200 ")).count());
        for (String line : gateway.output()) {
            assertFalse(line.contains(company) || line.contains("Adatum"), "no ids or filter values: " + line);
            assertFalse(line.contains(SimulatorClient.DEMO_SECRET), "no secret: " + line);
        }
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(request(url), HttpResponse.BodyHandlers.ofString());
    }

    /** The packaged gateway (production profile, default logging) on the simulator's connection "sim". */
    private String start(Map<String, String> simulatorConfig) {
        List<String> settings = new ArrayList<>(List.of("-Dquarkus.shutdown.timeout=20s", "-Dgateway.coalesce.enabled=false"));
        simulatorConfig.forEach((k, v) -> {
            if (k.startsWith("gateway.connections.sim.")) {
                settings.add("-D" + k + "=" + v);
            }
        });
        gateway = JavaProcess.startPackagedGateway(settings);
        return gateway.awaitReady();
    }
}
