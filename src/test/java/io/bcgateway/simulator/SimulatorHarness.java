package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Starts a simulator on a random loopback port and talks to it over real HTTP. */
final class SimulatorHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TENANT = SimulatorSettings.DEMO_TENANT_ID;
    static final String CLIENT = SimulatorSettings.DEMO_CLIENT_ID;
    static final String SECRET = SimulatorSettings.DEMO_CLIENT_SECRET;
    static final String SCOPE = "https://api.businesscentral.dynamics.com/.default";

    final Vertx vertx;
    final MutableClock clock;
    final BcSimulator sim;
    final HttpServer server;
    /** Base URL including the mount prefix. */
    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private SimulatorHarness(SimulatorSettings settings, String mountPrefix) throws Exception {
        vertx = Vertx.vertx();
        clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        sim = BcSimulator.create(vertx, settings, clock);
        Router root;
        if (mountPrefix.isEmpty()) {
            root = sim.router();
        } else {
            root = Router.router(vertx);
            root.route(mountPrefix + "/*").subRouter(sim.router());
        }
        server = vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + server.actualPort() + mountPrefix;
    }

    static SimulatorHarness start() throws Exception {
        return new SimulatorHarness(SimulatorSettings.defaults(), "");
    }

    static SimulatorHarness start(SimulatorSettings settings, String mountPrefix) throws Exception {
        return new SimulatorHarness(settings, mountPrefix);
    }

    String api() {
        return base + "/v2.0/production/api/v2.0";
    }

    HttpResponse<String> tokenRequest(String tenant, String form) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    static String form(String clientId, String secret, String scope) {
        return "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret) + "&scope=" + enc(scope);
    }

    String token() throws Exception {
        HttpResponse<String> r = tokenRequest(TENANT, form(CLIENT, SECRET, SCOPE));
        if (r.statusCode() != 200) throw new IllegalStateException("token request failed: " + r.body());
        return json(r).get("access_token").asText();
    }

    HttpResponse<String> get(String url, String token, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (headers.length > 0) b.headers(headers);
        return send(b);
    }

    HttpResponse<String> send(String method, String url, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        if (headers.length > 0) b.headers(headers);
        return send(b);
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, base + path, null, body);
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return json(r);
    }

    String firstCompanyId(String token) throws Exception {
        return json(get(api() + "/companies", token)).get("value").get(0).get("id").asText();
    }

    /** Registers another app in the demo tenant and returns a token for it: a second, independent principal. */
    String tokenForNewApp(String clientId) throws Exception {
        control("POST", "/_sim/apps", "{\"tenantId\":\"" + TENANT + "\",\"clientId\":\"" + clientId + "\",\"clientSecret\":\"s-" + clientId + "\"}");
        HttpResponse<String> r = tokenRequest(TENANT, form(clientId, "s-" + clientId, SCOPE));
        if (r.statusCode() != 200) throw new IllegalStateException("token request failed: " + r.body());
        return json(r).get("access_token").asText();
    }

    /** Sends a request without waiting for the answer. */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> sendAsync(String method, String url, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits, at most 5 s, until the in-process simulator reports {@code expected}: the server handles
     * requests asynchronously, so a test that needs "all N admitted" must observe it, not guess a sleep.
     */
    static void awaitValue(String what, java.util.function.LongSupplier actual, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (actual.getAsLong() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": expected " + expected + " within 5 s, is " + actual.getAsLong());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        sim.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
