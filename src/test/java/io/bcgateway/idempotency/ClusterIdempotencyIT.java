package io.bcgateway.idempotency;

import static io.bcgateway.testing.SimulatorProcess.clientIdOf;
import static io.bcgateway.testing.SimulatorProcess.secretOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.JavaProcess;
import io.bcgateway.testing.RedisServerProcess;
import io.bcgateway.testing.SimulatorClient;
import io.vertx.core.json.JsonObject;

/**
 * Idempotency keys in cluster mode, every part its own process on loopback: one redis-server, one BC simulator and
 * two packaged gateways sharing their records through Redis. A write sent to one replica and repeated to the other is
 * answered from Redis, and BC sees it once.
 */
class ClusterIdempotencyIT {

    private static final String CONNECTION = "idemcluster";
    private static final Pattern GATEWAY_READY = Pattern.compile("Listening on: (http://[^\\s]+:\\d+)");

    private static RedisServerProcess redisServer;
    private static JavaProcess simulator;
    private static SimulatorClient sim;
    private static final List<JavaProcess> gateways = new ArrayList<>();
    private static final List<String> gatewayUrls = new ArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startEverything() {
        redisServer = RedisServerProcess.start();
        simulator = JavaProcess.start("simulator", Pattern.compile("BC simulator listening on (http://\\S+)"),
                List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.bcgateway.simulator.SimulatorMain",
                        "--port", "0", "--host", "127.0.0.1"));
        sim = new SimulatorClient(simulator.awaitReady());
        sim.registerApp(clientIdOf(CONNECTION), secretOf(CONNECTION));
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged gateway (run by mvn verify, after package)");
        for (int i = 1; i <= 2; i++) {
            gateways.add(JavaProcess.start("gateway-" + i, GATEWAY_READY, gatewayArgs(i, jar)));
        }
        gateways.forEach(g -> gatewayUrls.add(g.awaitReady()));
    }

    private static List<String> gatewayArgs(int replica, Path jar) {
        String p = "-Dgateway.connections." + CONNECTION + ".";
        return List.of("-Xmx96m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0",
                "-Dgateway.cluster.enabled=true", "-Dgateway.cluster.redis.hosts=" + redisServer.url(),
                "-Dgateway.cluster.replica-id=gateway-" + replica, "-Dgateway.cluster.expected-replicas=2",
                p + "tenant-id=" + SimulatorClient.TENANT, p + "client-id=" + clientIdOf(CONNECTION),
                p + "client-secret=" + secretOf(CONNECTION), p + "environment=production",
                p + "base-url=" + sim.baseUrl(), p + "token-url=" + sim.tokenUrl(),
                "-jar", jar.toString());
    }

    @AfterAll
    static void stopEverything() {
        gateways.forEach(JavaProcess::close);
        if (simulator != null) {
            simulator.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRepeatSentToAnotherReplicaIsAnsweredFromRedis() throws Exception {
        String base = "/bc/" + CONNECTION + "/api/v2.0/companies";
        HttpResponse<String> companies = send(HttpRequest.newBuilder(URI.create(gatewayUrls.get(0) + base)));
        assertEquals(200, companies.statusCode(), companies.body());
        String company = new JsonObject(companies.body()).getJsonArray("value").getJsonObject(0).getString("id");
        String customers = base + "(" + company + ")/customers";
        String key = UUID.randomUUID().toString();
        String body = "{\"displayName\":\"Clustered Idempotency Ltd\"}";
        sim.resetRequestLog();

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (String gateway : List.of(gatewayUrls.get(0), gatewayUrls.get(1), gatewayUrls.get(1))) {
            answers.add(send(HttpRequest.newBuilder(URI.create(gateway + customers))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body))));
        }
        HttpResponse<String> first = answers.get(0);
        assertEquals(201, first.statusCode(), first.body());
        assertFalse(first.headers().firstValue("Idempotent-Replayed").isPresent());
        for (HttpResponse<String> repeat : answers.subList(1, answers.size())) {
            assertEquals(201, repeat.statusCode(), repeat.body());
            assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElse(null));
            assertEquals(first.body(), repeat.body());
            assertEquals(first.headers().firstValue("ETag"), repeat.headers().firstValue("ETag"));
        }
        long posts = sim.bcRequests().stream().filter(r -> "POST".equals(r.getString("method"))).count();
        assertEquals(1, posts, "BC saw one POST for three sent to two replicas");
    }
}
