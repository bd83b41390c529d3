package io.bcgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.bcgateway.testing.JavaProcess;
import io.bcgateway.testing.RedisServerProcess;
import io.bcgateway.testing.SimulatorClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Cluster mode end to end, every part its own process on loopback: one redis-server, one BC simulator with
 * shrunken limits (5 running, 75 requests per 4 s window, 20 ms per request) and three packaged gateways sharing
 * each principal's quota through Redis. Each scenario uses its own app registration, so quotas never mix.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterQuotaIT {

    private static final int MAX_RUNNING = 5;
    private static final int RATE = 75;
    private static final Duration WINDOW = Duration.ofSeconds(4);
    private static final int LATENCY_MS = 20;
    private static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final List<String> CONNECTIONS = List.of("quota", "outage", "lease");
    /** Quarkus ends the address with ". Management interface listening on ...": the port is where it stops. */
    private static final Pattern GATEWAY_READY = Pattern.compile("Listening on: (http://[^\\s]+:\\d+)");
    /** Health and metrics are on the management interface, its own port, printed on the same line. */
    private static final Pattern MANAGEMENT_READY =
            Pattern.compile("Management interface listening on (http://[^\\s]+:\\d+)");

    private static RedisServerProcess redisServer;
    private static JavaProcess simulator;
    private static SimulatorClient sim;
    private static final List<JavaProcess> gateways = new ArrayList<>();
    private static final List<String> gatewayUrls = new ArrayList<>();
    private static final List<String> managementUrls = new ArrayList<>();
    private static Vertx vertx;
    private static Redis redis;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startEverything() {
        redisServer = RedisServerProcess.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, redisServer.url());
        simulator = JavaProcess.start("simulator", Pattern.compile("BC simulator listening on (http://\\S+)"),
                List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.bcgateway.simulator.SimulatorMain",
                        "--port", "0", "--host", "127.0.0.1"));
        sim = new SimulatorClient(simulator.awaitReady());
        sim.updateSettings(new JsonObject().put("maxRunning", MAX_RUNNING).put("maxQueued", 95)
                .put("rateLimitRequests", RATE).put("rateWindowMillis", WINDOW.toMillis())
                .put("latencyMillis", LATENCY_MS).put("retryAfterOn429", 1));
        CONNECTIONS.forEach(c -> sim.registerApp(clientIdOf(c), secretOf(c)));
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged gateway (run by mvn verify, after package)");
        for (int i = 1; i <= 3; i++) {
            gateways.add(JavaProcess.start("gateway-" + i, GATEWAY_READY, gatewayArgs(i, jar)));
        }
        gateways.forEach(g -> gatewayUrls.add(g.awaitReady()));
        gateways.forEach(g -> managementUrls.add(g.firstMatch(MANAGEMENT_READY)));
        // Warm-up, outside every measurement: each replica's first request loads classes and fetches a token.
        List<CompletableFuture<HttpResponse<String>>> warmUp = new ArrayList<>();
        for (String g : gatewayUrls) {
            CONNECTIONS.forEach(c -> warmUp.add(get(g, c)));
        }
        try {
            assertEquals(Map.of(200, 9), statuses(warmUp));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> gatewayArgs(int replica, Path jar) {
        List<String> args = new ArrayList<>(List.of("-Xmx96m", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=0", "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0",
                "-Dgateway.cluster.enabled=true",
                "-Dgateway.cluster.redis.hosts=" + redisServer.url(), "-Dgateway.cluster.replica-id=gateway-" + replica,
                "-Dgateway.cluster.expected-replicas=3", "-Dgateway.cluster.lease-ttl=" + LEASE_TTL.toMillis() + "ms",
                "-Dgateway.cluster.redis-timeout=2s", "-Dgateway.cluster.probe-interval=300ms",
                "-Dgateway.coalesce.enabled=false")); // every request must count in the shared quota
        for (String c : CONNECTIONS) {
            String p = "-Dgateway.connections." + c + ".";
            args.addAll(List.of(p + "tenant-id=" + SimulatorClient.TENANT, p + "client-id=" + clientIdOf(c),
                    p + "client-secret=" + secretOf(c), p + "environment=production", p + "base-url=" + sim.baseUrl(),
                    p + "token-url=" + sim.tokenUrl(), p + "limits.max-running=" + MAX_RUNNING,
                    p + "limits.rate-limit=" + RATE, p + "limits.rate-window=" + WINDOW.toMillis() + "ms"));
        }
        args.addAll(List.of("-jar", jar.toString()));
        return args;
    }

    @AfterAll
    static void stopEverything() {
        gateways.forEach(JavaProcess::close);
        if (simulator != null) {
            simulator.close();
        }
        if (redis != null) {
            redis.close();
            vertx.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    static String clientIdOf(String connection) {
        return String.format("22222222-0000-4000-8000-%012x", Math.abs(("cluster-" + connection).hashCode()));
    }

    static String secretOf(String connection) {
        return "cluster-secret-of-" + connection;
    }

    @Test
    @Order(1)
    void threeReplicasKeepBcWithinItsLimitsAndUseItsQuota() throws Exception {
        String client = clientIdOf("quota");
        awaitCondition("the warm-up left the shared window", Duration.ofSeconds(10), () -> inWindow("quota") == 0);
        JsonObject before = sim.stats();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        long[] answered = new long[300];
        for (int i = 0; i < 300; i++) {
            int n = i;
            calls.add(get(gatewayUrls.get(i % 3), "quota").whenComplete((r, e) -> answered[n] = System.nanoTime()));
        }
        Map<Integer, Integer> statuses = statuses(calls);
        JsonObject after = sim.stats();
        long[] sorted = answered.clone();
        java.util.Arrays.sort(sorted);
        // After the first window's 75, request i + 75 may start only a window after request i finished: the last
        // 225 answers take at least 3 windows. The share is how close the replicas come to that. (The window is
        // long against the 20 ms requests because the gateway counts a request until a window after BC answered:
        // safe, and it costs the request's duration per window.)
        double seconds = (sorted[299] - sorted[RATE - 1]) / 1e9;
        double ideal = (300 - RATE) / (double) RATE * WINDOW.toMillis() / 1000.0;

        assertEquals(Map.of(200, 300), statuses, "every caller answered 200");
        long bc429 = after.getLong("bc429") - before.getLong("bc429");
        int maxRunning = after.getJsonObject("bcMaxRunningByClient").getInteger(client, 0);
        int maxQueued = after.getJsonObject("bcMaxQueuedByClient").getInteger(client, 0);
        double share = ideal / seconds;
        System.out.printf("[cluster] 300 callers over 3 replicas: answers after the first window in %.2f s (ideal %.2f s) -> "
                + "%.1f%% of the quota; "
                + "BC max running %d, max queued %d, 429s %d%n", seconds, ideal, 100 * share, maxRunning, maxQueued,
                bc429);
        assertEquals(0, bc429, "BC never refused: the shared window held");
        assertTrue(maxRunning <= MAX_RUNNING, "BC ran at most " + MAX_RUNNING + " at once, saw " + maxRunning);
        assertEquals(0, maxQueued, "BC never had to queue: no replica sent beyond the shared running limit");
        // The share is printed, not asserted: it is a speed figure, and speed is measured by bench/cluster.sh
        // (97.7-98.1% in steady state), not by a timed test on a shared machine (98.4% here when quiet, 94.8% at
        // load 6 with a benchmark pinned to the other core).
        assertTrue(share > 0.5, "3 replicas together move the principal's quota, not a fraction of it: " + share);
    }

    @Test
    @Order(2)
    void redisStoppedMidRunDegradesToTheLocalShareThenRejoins() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            calls.add(get(gatewayUrls.get(i % 3), "outage"));
        }
        awaitCondition("some requests answered before the outage", Duration.ofSeconds(20),
                () -> calls.stream().filter(CompletableFuture::isDone).count() >= 20);
        redisServer.kill();
        for (String g : gatewayUrls) {
            awaitCondition(g + " reports degraded", Duration.ofSeconds(10), () -> "degraded".equals(mode(g)));
            assertTrue(metrics(g).contains("bc_gateway_cluster_degraded 1.0"), g + " shows it in /q/metrics");
        }
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            during.add(get(gatewayUrls.get(i % 3), "outage"));
        }
        assertEquals(Map.of(200, 30), statuses(during), "served on the local share while Redis is down");
        redisServer.startAgain();
        for (String g : gatewayUrls) {
            awaitCondition(g + " shares again", Duration.ofSeconds(10), () -> "shared".equals(mode(g)));
        }
        assertEquals(Map.of(200, 90), statuses(calls), "no request was lost to the outage");
        List<CompletableFuture<HttpResponse<String>>> rejoined = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rejoined.add(get(gatewayUrls.get(i % 3), "outage"));
        }
        assertEquals(Map.of(200, 9), statuses(rejoined));
        // A request counts from its grant: as a running lease until the replica's release reaches Redis (which may
        // come a moment after the caller has its answer), then as a window entry.
        QuotaKeys outage = keys("outage");
        long counted = redisLong(Request.cmd(Command.EVAL)
                .arg("return redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2])").arg(2)
                .arg(outage.running()).arg(outage.window())); // both in one atomic read
        assertEquals(9, counted, "after rejoining, every replica counts in the shared window again");
    }

    @Test
    @Order(3)
    void slotsOfAReplicaKilledWhileHoldingThemComeBackWithinTheLeaseTime() throws Exception {
        sim.updateSettings(new JsonObject().put("latencyMillis", 60_000));
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < MAX_RUNNING; i++) {
            stuck.add(get(gatewayUrls.get(0), "lease"));
        }
        QuotaKeys keys = keys("lease");
        awaitCondition("replica 1 holds every slot", Duration.ofSeconds(10),
                () -> redisLong(Request.cmd(Command.ZCARD).arg(keys.running())) == MAX_RUNNING);
        sim.updateSettings(new JsonObject().put("latencyMillis", LATENCY_MS));

        long killed = System.nanoTime();
        gateways.get(0).kill();
        HttpResponse<String> r = get(gatewayUrls.get(1), "lease").get(30, TimeUnit.SECONDS);
        double recovered = (System.nanoTime() - killed) / 1e9;
        System.out.printf("[cluster] slots of the SIGKILLed replica usable again after %.2f s (lease %s)%n", recovered,
                LEASE_TTL);
        assertEquals(200, r.statusCode());
        assertTrue(recovered <= LEASE_TTL.toMillis() / 1000.0 + 1.5, "back within the lease time: " + recovered);
        assertTrue(recovered >= 1.0, "the dead replica's leases really held the slots until they expired: " + recovered);
        stuck.forEach(s -> s.cancel(true));
    }

    private static QuotaKeys keys(String connection) {
        return QuotaKeys.of("bcgw:", SimulatorClient.TENANT + "/" + clientIdOf(connection));
    }

    /** Requests the shared window counts now (Redis's clock), as the scripts would count them. */
    private static long inWindow(String connection) {
        QuotaKeys k = keys(connection);
        try {
            long now = redis.send(Request.cmd(Command.TIME)).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).get(0).toLong() * 1000;
            return redisLong(Request.cmd(Command.ZCOUNT).arg(k.window()).arg("(" + (now - WINDOW.toMillis()))
                    .arg("+inf")) + redisLong(Request.cmd(Command.ZCARD).arg(k.running()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long redisLong(Request request) {
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<HttpResponse<String>> get(String gateway, String connection) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway + "/bc/" + connection
                + "/api/v2.0/companies?$select=id")).header("X-Gateway-Deadline", "60s")
                .timeout(Duration.ofSeconds(90)).GET().build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    private static Map<Integer, Integer> statuses(List<CompletableFuture<HttpResponse<String>>> calls)
            throws Exception {
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            byStatus.merge(c.get().statusCode(), 1, Integer::sum);
        }
        return byStatus;
    }

    /** The management interface of the replica that serves {@code gateway}. */
    private static String management(String gateway) {
        return managementUrls.get(gatewayUrls.indexOf(gateway));
    }

    private static String metrics(String gateway) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(management(gateway) + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mode(String gateway) {
        try {
            HttpResponse<String> r = http.send(HttpRequest
                    .newBuilder(URI.create(management(gateway) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (Object o : new JsonObject(r.body()).getJsonArray("checks")) {
                JsonObject check = (JsonObject) o;
                if ("bc-cluster".equals(check.getString("name"))) {
                    return check.getJsonObject("data").getString("mode");
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Polls another process's state, bounded: multi-process tests cannot move a fake clock. */
    private static void awaitCondition(String what, Duration max, java.util.function.BooleanSupplier condition) {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + max + ": " + what);
    }
}
