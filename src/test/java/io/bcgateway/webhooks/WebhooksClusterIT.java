package io.bcgateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Webhooks in cluster mode, every part its own process on loopback: one redis-server, the simulator, two packaged
 * gateways sharing Redis, and in front of them a round-robin "load balancer" that is the public URL BC calls, so
 * handshakes and notifications land on both replicas. Then the owner is killed and a new replica started: the
 * subscriptions are adopted, not duplicated.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksClusterIT {

    private static final Pattern GATEWAY_READY = Pattern.compile("Listening on: (http://[^\\s]+:\\d+)");
    private static final Pattern MANAGEMENT_READY =
            Pattern.compile("Management interface listening on (http://[^\\s]+:\\d+)");
    private static final String CLIENT_ID = "33333333-0000-4000-8000-0000000000aa";
    private static final String SECRET = "webhook-cluster-secret";

    private static RedisServerProcess redisServer;
    private static JavaProcess simulator;
    private static SimulatorClient sim;
    private static Vertx vertx;
    private static final List<JavaProcess> gateways = new ArrayList<>();
    private static final List<String> urls = new CopyOnWriteArrayList<>();
    private static final List<String> managementUrls = new ArrayList<>();
    /** Per replica (index into urls): the requests the balancer sent it. */
    private static final Map<Integer, AtomicInteger> handshakesAt = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<Integer, AtomicInteger> notificationsAt = new java.util.concurrent.ConcurrentHashMap<>();
    private static final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private static int balancerPort;
    private static int targetPort;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startEverything() throws Exception {
        redisServer = RedisServerProcess.start();
        vertx = Vertx.vertx();
        simulator = JavaProcess.start("simulator", Pattern.compile("BC simulator listening on (http://\\S+)"),
                List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.bcgateway.simulator.SimulatorMain",
                        "--port", "0", "--host", "127.0.0.1"));
        sim = new SimulatorClient(simulator.awaitReady());
        sim.registerApp(CLIENT_ID, SECRET);
        // A short lifetime, so that renewals (at half of it) come within the test.
        sim.updateSettings(new JsonObject().put("subscriptionLifetimeSeconds", 20).put("webhookDelayMillis", 600_000)
                .put("webhookRetryScheduleMillis", new JsonArray().add(600_000)));
        targetPort = startTarget();
        balancerPort = startBalancer();
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged gateway (run by mvn verify, after package)");
        for (int i = 1; i <= 2; i++) {
            startGateway(i, jar);
        }
    }

    private static void startGateway(int replica, Path jar) {
        List<String> args = new ArrayList<>(List.of("-Xmx96m", "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=0", "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0",
                "-Dgateway.cluster.enabled=true", "-Dgateway.cluster.redis.hosts=" + redisServer.url(),
                "-Dgateway.cluster.replica-id=gateway-" + replica));
        String c = "-Dgateway.connections.hooks.";
        args.addAll(List.of(c + "tenant-id=" + SimulatorClient.TENANT, c + "client-id=" + CLIENT_ID,
                c + "client-secret=" + SECRET, c + "environment=production", c + "base-url=" + sim.baseUrl(),
                c + "token-url=" + sim.tokenUrl()));
        String w = "-Dgateway.webhooks.customers.";
        args.addAll(List.of(w + "connection=hooks", w + "resource=api/v2.0/companies(*)/customers",
                w + "deliver-to=http://127.0.0.1:" + targetPort + "/changes",
                w + "public-url=http://127.0.0.1:" + balancerPort, w + "check-interval=500ms",
                w + "resync-interval=3s", w + "lease-ttl=2s", w + "renew-at=0.5"));
        args.addAll(List.of("-jar", jar.toString()));
        JavaProcess gateway = JavaProcess.start("gateway-" + replica, GATEWAY_READY, args);
        gateways.add(gateway);
        urls.add(gateway.awaitReady());
        managementUrls.add(gateway.firstMatch(MANAGEMENT_READY));
    }

    /** The deliver-to target: records every change. */
    private static int startTarget() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            new JsonObject(body).getJsonArray("value").forEach(o -> received.add((JsonObject) o));
            req.response().setStatusCode(204).end();
        }));
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** Round robin over the live replicas, as a load balancer in front of /webhooks/* would. */
    private static int startBalancer() throws Exception {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient();
        AtomicInteger next = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            int index = Math.floorMod(next.getAndIncrement(), urls.size());
            boolean handshake = req.query() != null && req.query().contains("validationToken");
            (handshake ? handshakesAt : notificationsAt).computeIfAbsent(index, k -> new AtomicInteger())
                    .incrementAndGet();
            client.request(new RequestOptions().setMethod(req.method()).setAbsoluteURI(urls.get(index) + req.uri()))
                    .compose(out -> {
                        req.headers().forEach(h -> {
                            if (h.getKey().equalsIgnoreCase("Content-Type")) {
                                out.putHeader(h.getKey(), h.getValue());
                            }
                        });
                        return out.send(body);
                    }).compose(answer -> answer.body().map(b -> {
                        req.response().setStatusCode(answer.statusCode());
                        String type = answer.getHeader("Content-Type");
                        if (type != null) {
                            req.response().putHeader("Content-Type", type);
                        }
                        req.response().end(b);
                        return b;
                    })).onFailure(e -> req.response().setStatusCode(502).end());
        }));
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterAll
    static void stopEverything() {
        gateways.forEach(JavaProcess::close);
        if (simulator != null) {
            simulator.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    private static List<JsonObject> subscriptions() {
        return sim.call("GET", "/_sim/webhooks/subscriptions", null).getJsonArray("value").stream()
                .map(JsonObject.class::cast).toList();
    }

    private static JsonObject status(String management) {
        return new JsonObject(get(management + "/q/gateway/status").body()).getJsonArray("webhooks").getJsonObject(0);
    }

    private static HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> send(String method, String url, JsonObject body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body.encode()));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(1)
    void oneOwnerCreatesAndRenewsWhileEitherReplicaAnswersHandshakesAndNotifications() {
        GatewayWebhooksTest.awaitCondition("3 subscriptions, one per company", Duration.ofSeconds(60),
                () -> subscriptions().size() == 3);
        List<Boolean> owners = managementUrls.stream().map(m -> status(m).getBoolean("owner")).toList();
        assertEquals(1, owners.stream().filter(o -> o).count(), "exactly one owner: " + owners);

        Map<String, Instant> expiries = subscriptions().stream().collect(Collectors.toMap(
                s -> s.getString("subscriptionId"), s -> Instant.parse(s.getString("expirationDateTime"))));
        GatewayWebhooksTest.awaitCondition("every subscription renewed (lifetime 20 s, renewed at half)",
                Duration.ofSeconds(40), () -> subscriptions().stream().allMatch(s -> expiries
                        .containsKey(s.getString("subscriptionId")) && Instant.parse(s.getString("expirationDateTime"))
                                .isAfter(expiries.get(s.getString("subscriptionId")))));
        assertEquals(expiries.keySet(), subscriptions().stream().map(s -> s.getString("subscriptionId"))
                .collect(Collectors.toSet()), "renewed, never re-created");
        assertTrue(handshakesAt.getOrDefault(0, new AtomicInteger()).get() > 0
                && handshakesAt.getOrDefault(1, new AtomicInteger()).get() > 0,
                "handshakes were answered by both replicas: " + handshakesAt);

        // Changes in each company, notified one POST per company (flush between), land on both replicas.
        JsonArray companies = new JsonObject(get(urls.get(0) + "/bc/hooks/api/v2.0/companies").body())
                .getJsonArray("value");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String company = companies.getJsonObject(i % companies.size()).getString("id");
            HttpResponse<String> created = send("POST", urls.get(i % 2) + "/bc/hooks/api/v2.0/companies(" + company
                    + ")/customers", new JsonObject().put("displayName", "Cluster " + i));
            assertEquals(201, created.statusCode(), created.body());
            ids.add(new JsonObject(created.body()).getString("id"));
            sim.call("POST", "/_sim/webhooks/flush", new JsonObject());
        }
        assertTrue(notificationsAt.getOrDefault(0, new AtomicInteger()).get() > 0
                && notificationsAt.getOrDefault(1, new AtomicInteger()).get() > 0,
                "notifications were taken by both replicas: " + notificationsAt);
        for (String id : ids) {
            assertEquals(1, received.stream().filter(c -> c.getString("resource").contains(id)).count(),
                    id + " arrived once: " + received);
        }
        List<JsonObject> deliveries = sim.call("GET", "/_sim/webhooks/deliveries", null).getJsonArray("value")
                .stream().map(JsonObject.class::cast).filter(d -> !d.getBoolean("handshake", false)).toList();
        assertTrue(deliveries.stream().allMatch(d -> d.getInteger("status") == 200), deliveries.toString());
    }

    @Test
    @Order(2)
    void anotherReplicaTakesOverAndARestartedOneAdoptsTheSubscriptions() throws Exception {
        int owner = -1;
        for (int i = 0; i < managementUrls.size(); i++) {
            if (status(managementUrls.get(i)).getBoolean("owner")) {
                owner = i;
            }
        }
        assertTrue(owner >= 0);
        List<String> before = subscriptions().stream().map(s -> s.getString("subscriptionId")).sorted().toList();
        gateways.get(owner).kill();
        String survivor = managementUrls.get(1 - owner);
        urls.remove(owner); // the balancer stops sending there
        GatewayWebhooksTest.awaitCondition("the other replica owns the webhook", Duration.ofSeconds(20),
                () -> status(survivor).getBoolean("owner"));
        GatewayWebhooksTest.awaitCondition("it adopted the three subscriptions", Duration.ofSeconds(20),
                () -> status(survivor).getJsonArray("subscriptions").size() == 3);
        assertEquals(before, subscriptions().stream().map(s -> s.getString("subscriptionId")).sorted().toList(),
                "the same subscriptions: adopted, none created, none lost");

        // The killed replica comes back (a restart), then the survivor stops: the restarted one takes the lease and
        // adopts the three subscriptions from BC's list, creating none.
        startGateway(3, Path.of("target", "quarkus-app", "quarkus-run.jar"));
        String restarted = managementUrls.get(managementUrls.size() - 1);
        int survivorIndex = 1 - owner;
        gateways.get(survivorIndex).kill();
        urls.remove(0);
        GatewayWebhooksTest.awaitCondition("the restarted replica owns the webhook", Duration.ofSeconds(20),
                () -> status(restarted).getBoolean("owner"));
        GatewayWebhooksTest.awaitCondition("it adopted the three subscriptions", Duration.ofSeconds(20),
                () -> status(restarted).getJsonArray("subscriptions").size() == 3);
        assertEquals(before, subscriptions().stream().map(s -> s.getString("subscriptionId")).sorted().toList(),
                "after the restart: still the same three");
    }
}
