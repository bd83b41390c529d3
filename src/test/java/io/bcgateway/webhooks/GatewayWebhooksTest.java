package io.bcgateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Webhooks end to end: the gateway owns subscriptions at the simulator (a separate process playing BC) and
 * delivers every change to a test target; BC's side is driven with the simulator's control calls (flush instead of
 * its 30 s delay, retry instead of its schedule, clock advance instead of 3 days).
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
@WithTestResource(WebhookTarget.class)
public class GatewayWebhooksTest {

    private static final String HOOKS = "/bc/hooks/api/v2.0";

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    @Inject
    Webhooks webhooks;

    @Inject
    Vertx vertx;

    private final WebhookTarget.Received target = WebhookTarget.RECEIVED;

    @BeforeEach
    void everySubscriptionInPlace() {
        simulator.updateSettings(new JsonObject().put("webhookDelayMillis", 600_000)
                .put("webhookRetryScheduleMillis", new JsonArray().add(600_000)));
        awaitCondition("3 companies x 2 webhooks subscribed", Duration.ofSeconds(60),
                () -> ours().size() == 6);
        simulator.call("POST", "/_sim/webhooks/flush", new JsonObject());
        simulator.call("POST", "/_sim/webhooks/deliveries/reset", new JsonObject());
        target.down(false);
        target.clear();
    }

    @AfterEach
    void restore() {
        target.down(false);
        simulator.updateSettings(new JsonObject().put("webhookCollectionThreshold", 1000));
    }

    /** The simulator's subscriptions whose notificationUrl is this gateway's. */
    private List<JsonObject> ours() {
        String base = Gateway.url("/webhooks/");
        return simulator.call("GET", "/_sim/webhooks/subscriptions", null).getJsonArray("value").stream()
                .map(JsonObject.class::cast)
                .filter(s -> s.getString("notificationUrl", "").startsWith(base.replace("localhost", "127.0.0.1")))
                .toList();
    }

    private List<JsonObject> ours(String webhook) {
        return ours().stream().filter(s -> s.getString("notificationUrl").endsWith("/webhooks/" + webhook)).toList();
    }

    private String firstCompany() {
        return rows(send("GET", HOOKS + "/companies", null, 200)).get(0).getString("id");
    }

    private static List<JsonObject> rows(JsonObject collection) {
        return collection.getJsonArray("value").stream().map(JsonObject.class::cast).toList();
    }

    private static JsonObject send(String method, String path, JsonObject body, int expected) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Gateway.url(path))).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (method.equals("PATCH") || method.equals("DELETE")) {
            b.header("If-Match", "*");
        }
        HttpResponse<String> r = Gateway.send(b.build());
        assertEquals(expected, r.statusCode(), method + " " + path + ": " + r.body());
        return r.body() == null || r.body().isBlank() ? new JsonObject() : new JsonObject(r.body());
    }

    private static HttpResponse<String> post(String path, String body) {
        return Gateway.send(HttpRequest.newBuilder(URI.create(Gateway.url(path))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String createCustomer(String company, String name) {
        return send("POST", HOOKS + "/companies(" + company + ")/customers",
                new JsonObject().put("displayName", name), 201).getString("id");
    }

    private void flush() {
        simulator.call("POST", "/_sim/webhooks/flush", new JsonObject());
    }

    private List<JsonObject> deliveries() {
        return simulator.call("GET", "/_sim/webhooks/deliveries", null).getJsonArray("value").stream()
                .map(JsonObject.class::cast).filter(d -> !d.getBoolean("handshake", false)).toList();
    }

    private List<JsonObject> received(String webhook, String idPart) {
        return target.changes().stream().filter(c -> webhook.equals(c.getString("webhook")))
                .filter(c -> c.getString("resource", "").contains(idPart)).toList();
    }

    @Test
    public void aCustomerCreatedUpdatedAndDeletedThroughTheGatewayArrivesAsThreeChanges() {
        String company = firstCompany();
        String id = createCustomer(company, "Webhook Test Ltd");
        flush();
        send("PATCH", HOOKS + "/companies(" + company + ")/customers(" + id + ")",
                new JsonObject().put("displayName", "Webhook Test Renamed"), 200);
        flush();
        send("DELETE", HOOKS + "/companies(" + company + ")/customers(" + id + ")", null, 204);
        flush();

        List<String> kinds = received("customers", id).stream().map(c -> c.getString("changeType")).toList();
        assertEquals(List.of("created", "updated", "deleted"), kinds, target.changes().toString());
        assertTrue(deliveries().stream().allMatch(d -> d.getInteger("status") == 200), deliveries().toString());
        assertTrue(target.changes().stream().noneMatch(c -> c.containsKey("clientState")),
                "the clientState stays between BC and the gateway");
        assertTrue(received("vendors", "").isEmpty(), "the vendors webhook heard nothing of customers");
    }

    @Test
    public void whileTheTargetIsDownBcHears503AndRetriesThenEveryChangeArrivesOnce() {
        String company = firstCompany();
        target.down(true);
        String first = createCustomer(company, "Down One");
        String second = createCustomer(company, "Down Two");
        flush();
        assertEquals(List.of(503), deliveries().stream().map(d -> d.getInteger("status")).toList(),
                "BC is told to retry, never a 4xx that would make it delete the subscription");
        assertTrue(target.changes().isEmpty());

        target.down(false);
        simulator.call("POST", "/_sim/webhooks/retry", new JsonObject());
        assertEquals(List.of(503, 200), deliveries().stream().map(d -> d.getInteger("status")).toList());
        assertEquals(1, received("customers", first).size(), target.changes().toString());
        assertEquals(1, received("customers", second).size(), target.changes().toString());

        // BC sending the same notification again (its retry after a lost answer) delivers nothing twice.
        String payload = deliveries().get(1).getValue("payload").toString();
        HttpResponse<String> again = post("/webhooks/customers", payload);
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(1, received("customers", first).size(), "deduplicated");
        assertEquals(1, received("customers", second).size(), "deduplicated");
        assertEquals(6, ours().size(), "no subscription was lost");
    }

    @Test
    public void aForgedNotificationWithTheWrongClientStateIs401AndNothingIsDelivered() {
        JsonObject sub = ours("customers").get(0);
        JsonObject forged = new JsonObject().put("value", new JsonArray().add(new JsonObject()
                .put("subscriptionId", sub.getString("subscriptionId")).put("clientState", "guessed")
                .put("expirationDateTime", sub.getString("expirationDateTime"))
                .put("resource", sub.getString("resource") + "(00000000-0000-0000-0000-000000000001)")
                .put("changeType", "deleted").put("lastModifiedDateTime", Instant.now().toString())));
        HttpResponse<String> r = post("/webhooks/customers", forged.encode());
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(target.changes().isEmpty());
        assertEquals(0, target.posts());

        assertEquals(400, post("/webhooks/customers", "{\"value\":").statusCode(), "a malformed body");
        assertEquals(401, post("/webhooks/customers", forged.copy().put("value", new JsonArray().add(
                forged.getJsonArray("value").getJsonObject(0).copy().put("subscriptionId", "not-ours"))).encode())
                .statusCode(), "no subscription of this webhook");
        assertEquals(413, post("/webhooks/customers", "{\"value\":[" + " ".repeat(9_000_000) + "]}").statusCode());
    }

    @Test
    public void aHandshakeOutsideACreateOrRenewIs404() {
        HttpResponse<String> get = Gateway.get("/webhooks/customers?validationToken=someone-elses-token");
        assertEquals(404, get.statusCode(), get.body());
        assertTrue(get.body().contains("handshake-not-expected"), get.body());
        assertEquals(404, post("/webhooks/customers?validationToken=someone-elses-token", "").statusCode());
        assertEquals(404, Gateway.get("/webhooks/nosuch?validationToken=x").statusCode());
        assertTrue(deliveries().isEmpty());
    }

    @Test
    public void bcDeletesASubscriptionAndTheGatewayCreatesItAgain() {
        List<JsonObject> before = ours("customers");
        String gone = before.get(0).getString("subscriptionId");
        simulator.call("DELETE", "/_sim/webhooks/subscriptions/" + gone, null);
        awaitCondition("the deleted subscription is replaced", Duration.ofSeconds(30), () -> {
            List<JsonObject> now = ours("customers");
            return now.size() == 3 && now.stream().noneMatch(s -> gone.equals(s.getString("subscriptionId")));
        });
        // The new one works: a change in its company arrives.
        Set<String> companies = ours("customers").stream().map(s -> s.getString("resource")).collect(Collectors.toSet());
        assertEquals(3, companies.size(), "one per company, no duplicate");
        String company = firstCompany();
        String id = createCustomer(company, "After Re-creation");
        flush();
        assertEquals(1, received("customers", id).size(), target.changes().toString());
    }

    @Test
    public void subscriptionsAreRenewedBeforeTheyExpire() {
        Map<String, Instant> expiries = ours().stream().collect(Collectors.toMap(s -> s.getString("subscriptionId"),
                s -> Instant.parse(s.getString("expirationDateTime"))));
        // Two days and a half of three: past the two-thirds mark, before expiry, on both clocks.
        Duration shift = Duration.ofHours(60);
        simulator.advanceClock(shift);
        ((ShiftableClock) clock).advance(shift);
        awaitCondition("every subscription renewed", Duration.ofSeconds(30), () -> ours().stream()
                .allMatch(s -> expiries.containsKey(s.getString("subscriptionId"))
                        && Instant.parse(s.getString("expirationDateTime"))
                                .isAfter(expiries.get(s.getString("subscriptionId")).plus(Duration.ofHours(59)))));
        assertEquals(6, ours().size(), "renewed, not replaced");
    }

    @Test
    public void manyChangesBecomeACollectionAndExpandedEveryRowArrives() {
        simulator.updateSettings(new JsonObject().put("webhookCollectionThreshold", 3));
        String company = firstCompany();
        List<String> customers = new java.util.ArrayList<>();
        List<String> vendors = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            customers.add(createCustomer(company, "Bulk customer " + i));
            vendors.add(send("POST", HOOKS + "/companies(" + company + ")/vendors",
                    new JsonObject().put("displayName", "Bulk vendor " + i), 201).getString("id"));
        }
        flush();
        List<JsonObject> customerChanges = received("customers", "");
        assertEquals(List.of("collection"), customerChanges.stream().map(c -> c.getString("changeType")).toList(),
                "without expand-collections the collection is delivered as BC sent it");
        for (String vendor : vendors) {
            List<JsonObject> rows = received("vendors", vendor);
            assertEquals(1, rows.size(), vendor + " in " + received("vendors", ""));
            assertEquals("updated", rows.get(0).getString("changeType"));
            assertEquals(vendor, rows.get(0).getJsonObject("entity").getString("id"));
        }
        assertTrue(received("vendors", "").stream().noneMatch(c -> "collection".equals(c.getString("changeType"))));
    }

    @Test
    public void aRestartAdoptsTheExistingSubscriptionsInsteadOfCreatingMore() throws Exception {
        List<String> before = ours().stream().map(s -> s.getString("subscriptionId")).sorted().toList();
        // A second life of the gateway: its own keeper with empty memory, the same configuration.
        Webhooks.Webhook customers = webhooks.byName("customers");
        LocalWebhookState fresh = new LocalWebhookState(clock);
        SubscriptionKeeper restarted = new SubscriptionKeeper(customers.spec(),
                new io.bcgateway.fanout.BcClient(upstreamEngine()), directory(), fresh, clock,
                new io.bcgateway.status.EventLog(clock), Duration.ofSeconds(30));
        restarted.metrics = customers.metrics();
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> restarted.check(io.vertx.core.Vertx.currentContext())
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                }));
        done.get(30, TimeUnit.SECONDS);

        assertEquals(before, ours().stream().map(s -> s.getString("subscriptionId")).sorted().toList(),
                "the same subscriptions, none added or removed");
        assertEquals(3, restarted.subscriptions().size(), "adopted one per company");
        for (SubscriptionKeeper.Subscription s : restarted.subscriptions()) {
            assertNotEquals(null, fresh.clientState("customers", s.id()).result(), "its clientState is known again");
        }
    }

    @Test
    public void theStatusPageAndMetricsShowEverySubscriptionAndTheAlertRulesUseThem() throws Exception {
        String company = firstCompany();
        String id = createCustomer(company, "Seen On The Status Page");
        flush();
        assertEquals(1, received("customers", id).size());

        JsonObject status = new JsonObject(Gateway.management("/q/gateway/status").body());
        Map<String, JsonObject> byName = status.getJsonArray("webhooks").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(w -> w.getString("name"), w -> w));
        JsonObject customers = byName.get("customers");
        assertEquals(3, customers.getJsonArray("subscriptions").size(), customers.encode());
        assertTrue(customers.getJsonArray("subscriptions").stream().map(JsonObject.class::cast)
                .allMatch(s -> s.getLong("expiresInSeconds") > 0), customers.encode());
        assertTrue(customers.getString("lastNotification") != null, "the last notification is shown");
        JsonObject events = new JsonObject(Gateway.management("/q/gateway/events").body());
        assertTrue(events.getJsonArray("events").stream().map(JsonObject.class::cast)
                .anyMatch(e -> "webhook".equals(e.getString("kind"))), events.encode());

        if (io.bcgateway.status.HeadlessChromium.available()) {
            // As an operator sees it: each webhook's card lists its subscriptions with the time to their expiry.
            String dom = io.bcgateway.status.HeadlessChromium.dumpDom(Gateway.managementUrl("/q/gateway/status.html"),
                    4000, "UTC");
            java.util.regex.Matcher card = java.util.regex.Pattern.compile(
                    "<div class=\"card webhook\" data-webhook=\"customers\">(.*?)</ul><div class=\"sub\">last notification "
                            + "([^<]*)</div>").matcher(dom);
            assertTrue(card.find(), () -> "no card for webhook customers:\n" + dom);
            assertEquals(3, card.group(1).split("class=\"subscription\"").length - 1, card.group(1));
            assertTrue(card.group(1).contains("expires in "), card.group(1));
            assertTrue(card.group(2).matches("\\d+ s ago · deliveries pending 0 · failed \\d+"), card.group(2));
        }

        io.bcgateway.testing.PrometheusText metrics = io.bcgateway.testing.PrometheusText.scrape();
        assertEquals(3.0, metrics.sum("bc_gateway_webhook_subscriptions", "webhook", "customers"));
        assertTrue(metrics.sum("bc_gateway_webhook_expiry_seconds", "webhook", "customers") > 0);
        assertTrue(metrics.sum("bc_gateway_webhook_deliveries_total", "webhook", "customers", "result", "delivered")
                >= 1);
        String rules = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("basedir", "."))
                .resolve("docs/monitoring/bc-gateway-webhook-alerts.yaml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(bc_gateway_webhook_[a-z_]+)").matcher(rules);
        int used = 0;
        while (m.find()) {
            assertTrue(metrics.names().contains(m.group(1)), m.group(1) + " is published");
            used++;
        }
        assertTrue(used >= 3, "the alert rules use the webhook metrics");
    }

    @Inject
    io.bcgateway.upstream.UpstreamEngine engine;

    private io.bcgateway.upstream.UpstreamEngine upstreamEngine() {
        return engine;
    }

    private io.bcgateway.fanout.CompanyDirectory directory() {
        return new io.bcgateway.fanout.CompanyDirectory(new io.bcgateway.fanout.BcClient(engine), clock,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    static void awaitCondition(String what, Duration max, BooleanSupplier condition) {
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
