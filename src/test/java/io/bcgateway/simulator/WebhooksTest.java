package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BC's webhooks as the simulator plays them (bc-facts "Webhooks"): subscriptions with the handshake, notifications
 * batched per notificationUrl, collections, BC's retry rule, expiry and renewal. Notifications go out on
 * {@code /_sim/webhooks/flush} (the 30 s delay is set to a minute so nothing goes out on its own) unless a test
 * checks the delay itself.
 */
class WebhooksTest {

    SimulatorHarness sim;
    WebhookReceiver receiver;
    String token;
    String company;

    /** A simulator of its own per test: its clock starts at 2025-03-01T10:00:00Z and only moves forward. */
    @BeforeEach
    void start() throws Exception {
        sim = SimulatorHarness.start();
        receiver = new WebhookReceiver(sim.vertx);
        sim.control("PUT", "/_sim/settings", "{\"webhookDelayMillis\":60000,\"webhookRetryScheduleMillis\":[60000,60000]}");
        token = sim.token();
        company = sim.firstCompanyId(token);
    }

    @AfterEach
    void stop() throws Exception {
        receiver.close();
        sim.close();
    }

    // ---- subscriptions and the handshake ------------------------------------------------------

    @Test
    void createValidatesTheNotificationUrlThenAnswers201WithBcsShape() throws Exception {
        int before = receiver.handshakes().size();
        HttpResponse<String> r = subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", "secret-state");
        assertEquals(201, r.statusCode(), r.body());
        JsonNode s = json(r);
        assertTrue(s.get("subscriptionId").asText().matches("[0-9a-f]{32}"), s.toString());
        assertEquals(receiver.url("/hook"), s.get("notificationUrl").asText());
        assertEquals("companies(" + company + ")/customers", s.get("resource").asText());
        assertEquals("secret-state", s.get("clientState").asText());
        assertEquals("2025-03-04T10:00:00Z", s.get("expirationDateTime").asText()); // 3 days on the simulator's clock
        assertEquals("2025-03-01T10:00:00Z", s.get("lastModifiedDateTime").asText());
        assertTrue(s.get("userId").asText().matches("[0-9a-f-]{36}"));
        assertEquals(sim.api() + "/$metadata#subscriptions/$entity", s.get("@odata.context").asText());
        assertEquals(s.get("@odata.etag").asText(), r.headers().firstValue("ETag").orElseThrow());

        List<String> handshakes = receiver.handshakes();
        assertEquals(before + 1, handshakes.size());
        assertTrue(handshakes.get(handshakes.size() - 1).matches("POST /hook\\?validationToken=[A-Za-z0-9_-]{32}"),
                handshakes.toString());
        JsonNode logged = deliveries().get(0);
        assertTrue(logged.get("handshake").asBoolean());
        assertEquals(200, logged.get("status").asInt());
        assertEquals("validated", logged.get("outcome").asText());

        String id = s.get("subscriptionId").asText();
        HttpResponse<String> one = sim.get(sim.api() + "/subscriptions('" + id + "')", token);
        assertEquals(200, one.statusCode());
        assertEquals(id, json(one).get("subscriptionId").asText());
        JsonNode list = json(sim.get(sim.api() + "/subscriptions", token)).get("value");
        assertEquals(1, list.size());
        assertEquals(id, list.get(0).get("subscriptionId").asText());
        JsonNode control = sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value");
        assertEquals(SimulatorSettings.DEMO_CLIENT_ID, control.get(0).get("clientId").asText());
    }

    @Test
    void resourceIsAlsoAcceptedWithTheApiPrefix() throws Exception {
        assertEquals(201, subscribe(receiver.url("/hook"), "/api/v2.0/companies(" + company + ")/customers", null).statusCode());
        assertEquals(201, subscribe(receiver.url("/hook"), "api/v2.0/companies(" + company + ")/vendors", null).statusCode());
        HttpResponse<String> absolute = subscribe(receiver.url("/hook"), sim.api() + "/companies(" + company + ")/items", null);
        assertEquals(201, absolute.statusCode(), absolute.body());
        assertEquals(sim.api() + "/companies(" + company + ")/items", json(absolute).get("resource").asText(), "echoed as sent");
    }

    @Test
    void handshakeAnsweredWithTheWrongBodyCreatesNothing() throws Exception {
        receiver.handshake(WebhookReceiver.Handshake.WRONG_BODY);
        HttpResponse<String> r = subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", null);
        assertBcError(r, 400, "BadRequest", "answered 200 without the validation token");
        assertEquals(0, sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value").size());
        assertEquals("rejected", deliveries().get(0).get("outcome").asText());
    }

    @Test
    void handshakeAnswered404CreatesNothing() throws Exception {
        receiver.handshake(WebhookReceiver.Handshake.NOT_FOUND);
        HttpResponse<String> r = subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", null);
        assertBcError(r, 400, "BadRequest", "answered 404");
        assertEquals(0, sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value").size());
    }

    @Test
    void handshakeWithoutAnAnswerTimesOut() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookHandshakeTimeoutMillis\":300}");
        receiver.handshake(WebhookReceiver.Handshake.SILENT);
        long start = System.nanoTime();
        HttpResponse<String> r = subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", null);
        assertBcError(r, 400, "BadRequest", "did not answer within 300 ms");
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the timeout, not the client's 60 s, ended the wait");
        JsonNode logged = deliveries().get(0);
        assertEquals(0, logged.get("status").asInt());
        assertEquals(0, sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value").size());
    }

    @Test
    void unsupportedResourcesAndUnknownCompaniesAreRefused() throws Exception {
        int handshakes = receiver.handshakes().size();
        assertBcError(subscribe(receiver.url("/hook"), "companies(" + company + ")/documentAttachments", null), 400, "BadRequest",
                "does not support webhooks");
        assertBcError(subscribe(receiver.url("/hook"), "companies", null), 400, "BadRequest", "does not support webhooks");
        assertBcError(subscribe(receiver.url("/hook"), "api/contoso/app/v1.0/companies(" + company + ")/customers", null), 400,
                "BadRequest", "does not support webhooks");
        assertBcError(subscribe(receiver.url("/hook"), "companies(00000000-0000-0000-0000-000000000001)/customers", null), 404,
                "Internal_CompanyNotFound", "does not exist");
        assertBcError(subscribe("ftp://127.0.0.1/hook", "companies(" + company + ")/customers", null), 400, "BadRequest",
                "is not a valid absolute URL");
        assertBcError(subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", "x".repeat(2049)), 400,
                "BadRequest", "at most 2048 characters");
        assertEquals(handshakes, receiver.handshakes().size(), "refused before any handshake");
    }

    @Test
    void unknownSubscriptionIs404InBcsShape() throws Exception {
        assertBcError(sim.get(sim.api() + "/subscriptions('0123456789abcdef0123456789abcdef')", token), 404,
                "Internal_RecordNotFound", "does not exist");
        assertBcError(sim.send("DELETE", sim.api() + "/subscriptions('0123456789abcdef0123456789abcdef')", token, null), 404,
                "Internal_RecordNotFound", "does not exist");
    }

    @Test
    void anotherPrincipalNeitherSeesNorReachesTheSubscription() throws Exception {
        String id = subscriptionId(subscribe(receiver.url("/hook"), "companies(" + company + ")/customers", null));
        String other = sim.tokenForNewApp("7d2c9e41-0b6a-4c8f-9e3d-1a2b3c4d5e6f");
        assertEquals(0, json(sim.get(sim.api() + "/subscriptions", other)).get("value").size());
        assertEquals(404, sim.get(sim.api() + "/subscriptions('" + id + "')", other).statusCode());
        assertEquals(1, json(sim.get(sim.api() + "/subscriptions", token)).get("value").size());
    }

    // ---- notifications ----------------------------------------------------------------------

    @Test
    void createUpdateAndDeleteArriveInOnePostWithBcsFields() throws Exception {
        String id = subscriptionId(subscribe(receiver.url("/changes"), "companies(" + company + ")/customers", "state-1"));
        String customer = createCustomer("Webhook Ltd");
        HttpResponse<String> patched = sim.send("PATCH", customers() + "(" + customer + ")", token, "{\"displayName\":\"Webhook plc\"}",
                "If-Match", "*");
        assertEquals(200, patched.statusCode());
        assertEquals(204, sim.send("DELETE", customers() + "(" + customer + ")", token, null).statusCode());
        assertEquals(0, notificationsTo("/changes").size(), "nothing is sent before the delay or a flush");

        assertEquals(1, flush());

        List<WebhookReceiver.Notification> got = notificationsTo("/changes");
        assertEquals(1, got.size());
        assertEquals("application/json", got.get(0).contentType());
        JsonNode value = got.get(0).body().get("value");
        assertEquals(3, value.size());
        String resource = "api/v2.0/companies(" + company + ")/customers(" + customer + ")";
        List<String> types = new ArrayList<>();
        for (JsonNode e : value) {
            types.add(e.get("changeType").asText());
            assertEquals(id, e.get("subscriptionId").asText());
            assertEquals("state-1", e.get("clientState").asText());
            assertEquals("2025-03-04T10:00:00Z", e.get("expirationDateTime").asText());
            assertEquals(resource, e.get("resource").asText());
            assertEquals("2025-03-01T10:00:00Z", e.get("lastModifiedDateTime").asText());
            assertEquals(6, e.size(), e.toString());
        }
        assertEquals(List.of("created", "updated", "deleted"), types);
        JsonNode logged = lastDelivery();
        assertFalse(logged.get("handshake").asBoolean());
        assertEquals(1, logged.get("attempt").asInt());
        assertEquals(200, logged.get("status").asInt());
        assertEquals("delivered", logged.get("outcome").asText());
        assertEquals(got.get(0).body(), logged.get("payload"));
        assertEquals(0, flush(), "a flush with nothing pending sends nothing");
    }

    @Test
    void changesInsideABatchAreNotifiedToo() throws Exception {
        subscribe(receiver.url("/batched"), "companies(" + company + ")/items", null);
        String batch = "{\"requests\":[{\"method\":\"POST\",\"id\":\"1\",\"url\":\"companies(" + company + ")/items\","
                + "\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"displayName\":\"Batch Item\"}}]}";
        HttpResponse<String> r = sim.send("POST", sim.api() + "/$batch", token, batch);
        assertEquals(201, json(r).get("responses").get(0).get("status").asInt(), r.body());
        assertEquals(1, flush());
        JsonNode e = notificationsTo("/batched").get(0).body().get("value").get(0);
        assertEquals("created", e.get("changeType").asText());
        assertTrue(e.get("resource").asText().startsWith("api/v2.0/companies(" + company + ")/items("), e.toString());
    }

    @Test
    void changesOfEntitiesNoOneSubscribedToAreNotSent() throws Exception {
        subscribe(receiver.url("/vendors-only"), "companies(" + company + ")/vendors", null);
        createCustomer("Unheard Ltd");
        assertEquals(0, flush());
        assertEquals(0, notificationsTo("/vendors-only").size());
    }

    @Test
    void severalSubscriptionsOfOneUrlShareOnePostAndOtherUrlsGetTheirOwn() throws Exception {
        String customersSub = subscriptionId(subscribe(receiver.url("/shared"), "companies(" + company + ")/customers", "a"));
        String vendorsSub = subscriptionId(subscribe(receiver.url("/shared"), "companies(" + company + ")/vendors", "b"));
        String elsewhere = subscriptionId(subscribe(receiver.url("/own"), "companies(" + company + ")/customers", "c"));
        createCustomer("Batch A");
        assertEquals(201, sim.send("POST", sim.api() + "/companies(" + company + ")/vendors", token,
                "{\"displayName\":\"Batch Vendor\"}").statusCode());

        assertEquals(2, flush());

        List<WebhookReceiver.Notification> shared = notificationsTo("/shared");
        assertEquals(1, shared.size(), "one POST for both subscriptions of the URL");
        JsonNode value = shared.get(0).body().get("value");
        assertEquals(2, value.size());
        assertEquals(customersSub, value.get(0).get("subscriptionId").asText());
        assertEquals("a", value.get(0).get("clientState").asText());
        assertEquals(vendorsSub, value.get(1).get("subscriptionId").asText());
        assertEquals("b", value.get(1).get("clientState").asText());
        assertTrue(value.get(1).get("resource").asText().startsWith("api/v2.0/companies(" + company + ")/vendors("));
        List<WebhookReceiver.Notification> own = notificationsTo("/own");
        assertEquals(1, own.size());
        assertEquals(elsewhere, own.get(0).body().get("value").get(0).get("subscriptionId").asText());
    }

    @Test
    void notificationsGoOutOnTheirOwnAfterTheDelay() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookDelayMillis\":50}");
        subscribe(receiver.url("/delayed"), "companies(" + company + ")/customers", null);
        createCustomer("Delayed Ltd");
        createCustomer("Delayed Too Ltd");
        SimulatorHarness.awaitValue("notifications after the delay", () -> notificationsTo("/delayed").size(), 1);
        assertEquals(2, notificationsTo("/delayed").get(0).body().get("value").size(), "both changes within the delay, one POST");
        assertEquals(0, flush());
    }

    @Test
    void moreChangesThanTheThresholdBecomeOneCollectionThatReadsBackEveryRow() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookCollectionThreshold\":5}");
        subscribe(receiver.url("/many"), "companies(" + company + ")/customers", "s");
        subscribe(receiver.url("/few"), "companies(" + company + ")/vendors", "v");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 6; i++) created.add(createCustomer("Bulk " + i));
        for (int i = 0; i < 5; i++) {
            assertEquals(201, sim.send("POST", sim.api() + "/companies(" + company + ")/vendors", token,
                    "{\"displayName\":\"Vendor " + i + "\"}").statusCode());
        }

        // a collection keeps no rows: only the five single vendor changes wait
        assertEquals(5, sim.control("GET", "/_sim/webhooks/pending", null).get("pendingChanges").asInt());
        assertEquals(2, flush());

        JsonNode many = notificationsTo("/many").get(0).body().get("value");
        assertEquals(1, many.size());
        JsonNode c = many.get(0);
        assertEquals("collection", c.get("changeType").asText());
        assertEquals("s", c.get("clientState").asText());
        String resource = c.get("resource").asText();
        assertEquals("api/v2.0/companies(" + company + ")/customers?$filter=lastDateTimeModified%20gt%202025-03-01T09:59:59.999Z",
                resource);
        // the filter reads back exactly the changed rows (lastDateTimeModified is an alias of lastModifiedDateTime)
        String url = sim.base + "/v2.0/production/" + resource;
        JsonNode rows = json(sim.get(url, token)).get("value");
        List<String> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.get("id").asText()));
        assertEquals(created, ids);
        assertEquals(5, notificationsTo("/few").get(0).body().get("value").size(), "at the threshold: single changes");
    }

    // ---- failed deliveries --------------------------------------------------------------------

    @Test
    void answer503IsRetriedPerScheduleUntilDelivered() throws Exception {
        String id = subscriptionId(subscribe(receiver.url("/flaky"), "companies(" + company + ")/customers", null));
        createCustomer("Retry Ltd");
        receiver.answerNotifications(503, 503);

        assertEquals(1, flush());
        assertEquals(1, retry());
        assertEquals(1, retry());
        assertEquals(0, retry(), "delivered: nothing left to retry");

        List<JsonNode> sends = notificationDeliveries();
        assertEquals(List.of(1, 2, 3), sends.stream().map(d -> d.get("attempt").asInt()).toList());
        assertEquals(List.of(503, 503, 200), sends.stream().map(d -> d.get("status").asInt()).toList());
        assertEquals(List.of("retry", "retry", "delivered"), sends.stream().map(d -> d.get("outcome").asText()).toList());
        assertEquals(sends.get(0).get("payload"), sends.get(2).get("payload"), "a retry repeats the same notification");
        assertEquals(3, notificationsTo("/flaky").size());
        assertEquals(200, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode(), "the subscription stays");
    }

    @Test
    void retriesStopWhenTheScheduleEnds() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookRetryScheduleMillis\":[60000]}");
        String id = subscriptionId(subscribe(receiver.url("/down"), "companies(" + company + ")/customers", null));
        createCustomer("Give Up Ltd");
        receiver.answerNotifications(500, 429, 200);

        assertEquals(1, flush());
        assertEquals(1, retry());
        assertEquals(0, retry());
        assertEquals(List.of("retry", "gave-up"), notificationDeliveries().stream().map(d -> d.get("outcome").asText()).toList());
        assertEquals(2, notificationsTo("/down").size());
        assertEquals(200, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode());
    }

    @Test
    void retriesAlsoRunOnTheirOwnOnACompressedSchedule() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookRetryScheduleMillis\":[10,10]}");
        subscribe(receiver.url("/timed"), "companies(" + company + ")/customers", null);
        createCustomer("Timed Ltd");
        receiver.answerNotifications(408, 502);
        assertEquals(1, flush());
        // the log entry is written once the simulator has read the answer, after the receiver saw the POST
        SimulatorHarness.awaitValue("third attempt logged", this::loggedDeliveries, 4); // handshake + 3 attempts
        assertEquals(List.of(408, 502, 200), notificationDeliveries().stream().map(d -> d.get("status").asInt()).toList());
    }

    @Test
    void answer400IsNotRetriedAndDeletesTheSubscription() throws Exception {
        String id = subscriptionId(subscribe(receiver.url("/gone"), "companies(" + company + ")/customers", null));
        createCustomer("Deleted Sub Ltd");
        receiver.answerNotifications(400);

        assertEquals(1, flush());
        assertEquals(0, retry());
        assertEquals("subscription-deleted", lastDelivery().get("outcome").asText());
        assertEquals(400, lastDelivery().get("status").asInt());
        assertEquals(404, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode());
        createCustomer("After Deletion Ltd");
        assertEquals(0, flush());
        assertEquals(1, notificationsTo("/gone").size());
    }

    @Test
    void unreachableSubscriberIsRetried() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookRetryScheduleMillis\":[60000]}");
        // A handshake cannot succeed against a closed port, so the subscription moves to it after creation.
        String id = subscriptionId(subscribe(receiver.url("/x"), "companies(" + company + ")/customers", null));
        WebhookReceiver closed = new WebhookReceiver(sim.vertx);
        String deadUrl = closed.url("/dead");
        HttpResponse<String> renamed = sim.send("PATCH", sim.api() + "/subscriptions('" + id + "')", token,
                "{\"notificationUrl\":\"" + deadUrl + "\"}", "If-Match", "*");
        assertEquals(200, renamed.statusCode(), renamed.body());
        closed.close();
        createCustomer("Nobody Home Ltd");
        assertEquals(1, flush());
        JsonNode d = lastDelivery();
        assertEquals(0, d.get("status").asInt());
        assertEquals("retry", d.get("outcome").asText());
    }

    @Test
    void notificationWithoutAnAnswerInTimeIsRetried() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookDeliveryTimeoutMillis\":300}");
        subscribe(receiver.url("/slow"), "companies(" + company + ")/customers", null);
        createCustomer("Slow Ltd");
        receiver.answerNotifications(WebhookReceiver.NO_ANSWER);
        assertEquals(1, flush());
        assertEquals(0, lastDelivery().get("status").asInt());
        assertEquals("retry", lastDelivery().get("outcome").asText());
        assertEquals(1, retry());
        assertEquals("delivered", lastDelivery().get("outcome").asText());
    }

    // ---- lifetime, renewal, deletion --------------------------------------------------------

    @Test
    void subscriptionExpiresOnTheSimulatorsClock() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"subscriptionLifetimeSeconds\":3600}");
        String id = subscriptionId(subscribe(receiver.url("/expiring"), "companies(" + company + ")/customers", null));
        sim.control("POST", "/_sim/clock/advance", "{\"seconds\":3599}");
        token = sim.token();
        assertEquals(200, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode());
        sim.control("POST", "/_sim/clock/advance", "{\"seconds\":1}");
        token = sim.token();
        assertEquals(404, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode());
        assertEquals(0, json(sim.get(sim.api() + "/subscriptions", token)).get("value").size());
        assertEquals(0, sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value").size());
        createCustomer("Too Late Ltd");
        assertEquals(0, flush());
    }

    @Test
    void patchWithIfMatchRenewsAfterAnotherHandshake() throws Exception {
        HttpResponse<String> created = subscribe(receiver.url("/renew"), "companies(" + company + ")/customers", "s1");
        String id = subscriptionId(created);
        String etag = json(created).get("@odata.etag").asText();
        String url = sim.api() + "/subscriptions('" + id + "')";
        sim.control("POST", "/_sim/clock/advance", "{\"seconds\":86400}");
        token = sim.token();

        assertBcError(sim.send("PATCH", url, token, "{}"), 400, "BadRequest_InvalidToken", "concurrency token");
        assertBcError(sim.send("PATCH", url, token, "{}", "If-Match", "W/\"JzE5OzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTswMDsn\""), 412,
                "Request_EntityChanged", "already changed");
        int handshakes = receiver.handshakes().size();
        HttpResponse<String> renewed = sim.send("PATCH", url, token, "{}", "If-Match", etag);
        assertEquals(200, renewed.statusCode(), renewed.body());
        JsonNode s = json(renewed);
        assertEquals("2025-03-05T10:00:00Z", s.get("expirationDateTime").asText(), "now (one day later) plus three days");
        assertEquals("2025-03-02T10:00:00Z", s.get("lastModifiedDateTime").asText());
        assertEquals("s1", s.get("clientState").asText());
        assertNotEquals(etag, s.get("@odata.etag").asText());
        assertEquals(handshakes + 1, receiver.handshakes().size(), "renewal needs the handshake again");
        assertBcError(sim.send("PATCH", url, token, "{}", "If-Match", etag), 412, "Request_EntityChanged", "already changed");
    }

    @Test
    void renewalWhoseHandshakeFailsLeavesTheSubscriptionAsItWas() throws Exception {
        HttpResponse<String> created = subscribe(receiver.url("/renew-fail"), "companies(" + company + ")/customers", null);
        String url = sim.api() + "/subscriptions('" + subscriptionId(created) + "')";
        sim.control("POST", "/_sim/clock/advance", "{\"seconds\":3600}");
        token = sim.token();
        receiver.handshake(WebhookReceiver.Handshake.NOT_FOUND);
        assertBcError(sim.send("PATCH", url, token, "{}", "If-Match", "*"), 400, "BadRequest", "answered 404");
        JsonNode s = json(sim.get(url, token));
        assertEquals(json(created).get("expirationDateTime").asText(), s.get("expirationDateTime").asText());
        assertEquals(json(created).get("@odata.etag").asText(), s.get("@odata.etag").asText());
    }

    @Test
    void deleteRemovesTheSubscriptionAndItsNotifications() throws Exception {
        HttpResponse<String> created = subscribe(receiver.url("/deleted"), "companies(" + company + ")/customers", null);
        String url = sim.api() + "/subscriptions('" + subscriptionId(created) + "')";
        createCustomer("Pending Ltd");
        assertBcError(sim.send("DELETE", url, token, null, "If-Match", "W/\"JzE5OzEyMzQ1Njc4OTAxMjM0NTY3ODkwMTswMDsn\""), 412,
                "Request_EntityChanged", "already changed");
        assertEquals(204, sim.send("DELETE", url, token, null, "If-Match", json(created).get("@odata.etag").asText()).statusCode());
        assertEquals(404, sim.get(url, token).statusCode());
        assertEquals(0, flush(), "pending changes of a deleted subscription are not sent");
    }

    @Test
    void controlCallDeletesASubscriptionAsBcDoesOnItsOwn() throws Exception {
        String id = subscriptionId(subscribe(receiver.url("/bc-deletes"), "companies(" + company + ")/customers", null));
        assertEquals(204, sim.send("DELETE", sim.base + "/_sim/webhooks/subscriptions/" + id, null, null).statusCode());
        assertEquals(404, sim.send("DELETE", sim.base + "/_sim/webhooks/subscriptions/" + id, null, null).statusCode());
        assertEquals(404, sim.get(sim.api() + "/subscriptions('" + id + "')", token).statusCode());
    }

    @Test
    void resetDeletesSubscriptionsPendingChangesAndTheLog() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"webhookRetryScheduleMillis\":[60000]}");
        subscribe(receiver.url("/reset"), "companies(" + company + ")/customers", null);
        createCustomer("Reset Ltd");
        assertEquals(1, sim.control("GET", "/_sim/webhooks/pending", null).get("pendingChanges").asInt());
        sim.control("POST", "/_sim/reset", null);
        assertEquals(0, sim.control("GET", "/_sim/webhooks/subscriptions", null).get("value").size());
        assertEquals(0, deliveries().size());
        assertEquals(0, sim.control("GET", "/_sim/webhooks/pending", null).get("pendingChanges").asInt());
        assertEquals(0, flush());
    }

    // ---- custom APIs and settings -----------------------------------------------------------

    @Test
    void customApiRouteHasItsOwnSubscriptionsAndResourcePaths() throws Exception {
        String customRoot = sim.base + "/v2.0/production/api/contoso/webhooks/v1.0";
        HttpResponse<String> r = sim.send("POST", customRoot + "/subscriptions", token, "{\"notificationUrl\":\""
                + receiver.url("/custom") + "\",\"resource\":\"api/contoso/webhooks/v1.0/companies(" + company + ")/customers\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(customRoot + "/$metadata#subscriptions/$entity", json(r).get("@odata.context").asText());
        String customer = createCustomer("Custom Route Ltd");
        assertEquals(1, flush());
        JsonNode e = notificationsTo("/custom").get(0).body().get("value").get(0);
        assertEquals("api/contoso/webhooks/v1.0/companies(" + company + ")/customers(" + customer + ")", e.get("resource").asText());
        assertEquals("created", e.get("changeType").asText());
        // the custom API's page serves the same table, so the notified resource can be read back
        assertEquals(200, sim.get(customRoot + "/companies(" + company + ")/customers(" + customer + ")", token).statusCode());
    }

    @Test
    void settingsAreReadableAndValidated() throws Exception {
        JsonNode s = sim.control("PUT", "/_sim/settings", "{\"webhookDelayMillis\":1234,\"webhookRetryScheduleMillis\":[1,2,3],"
                + "\"webhookDeliveryTimeoutMillis\":999}");
        assertEquals(1234, s.get("webhookDelayMillis").asLong());
        assertEquals(999, s.get("webhookDeliveryTimeoutMillis").asLong());
        assertEquals("[1,2,3]", s.get("webhookRetryScheduleMillis").toString());
        assertEquals(259200, s.get("subscriptionLifetimeSeconds").asLong());
        HttpResponse<String> bad = sim.send("PUT", sim.base + "/_sim/settings", null, "{\"webhookCollectionThreshold\":0}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("webhookCollectionThreshold"));
        assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, "{\"webhookRetryScheduleMillis\":5}").statusCode());
        assertEquals(400, sim.send("PUT", sim.base + "/_sim/settings", null, "{\"webhookRetryScheduleMillis\":[-1]}").statusCode());
    }

    // ---- helpers -----------------------------------------------------------------------------

    private HttpResponse<String> subscribe(String notificationUrl, String resource, String clientState) throws Exception {
        var body = SimulatorHarness.JSON.createObjectNode().put("notificationUrl", notificationUrl).put("resource", resource);
        if (clientState != null) body.put("clientState", clientState);
        return sim.send("POST", sim.api() + "/subscriptions", token, body.toString());
    }

    private String subscriptionId(HttpResponse<String> created) throws Exception {
        assertEquals(201, created.statusCode(), created.body());
        return json(created).get("subscriptionId").asText();
    }

    private String customers() {
        return sim.api() + "/companies(" + company + ")/customers";
    }

    private String createCustomer(String name) throws Exception {
        HttpResponse<String> r = sim.send("POST", customers(), token, "{\"displayName\":\"" + name + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return json(r).get("id").asText();
    }

    private int flush() throws Exception {
        return sim.control("POST", "/_sim/webhooks/flush", null).get("sent").asInt();
    }

    private int retry() throws Exception {
        return sim.control("POST", "/_sim/webhooks/retry", null).get("retried").asInt();
    }

    private JsonNode deliveries() throws Exception {
        return sim.control("GET", "/_sim/webhooks/deliveries", null).get("value");
    }

    private List<JsonNode> notificationDeliveries() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        deliveries().forEach(d -> {
            if (!d.get("handshake").asBoolean()) out.add(d);
        });
        return out;
    }

    private long loggedDeliveries() {
        try {
            return deliveries().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode lastDelivery() throws Exception {
        JsonNode d = deliveries();
        return d.get(d.size() - 1);
    }

    private List<WebhookReceiver.Notification> notificationsTo(String path) {
        return receiver.notifications().stream().filter(n -> n.path().equals(path)).toList();
    }

    private void assertBcError(HttpResponse<String> r, int status, String code, String messagePart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode err = json(r).get("error");
        assertEquals(code, err.get("code").asText(), r.body());
        assertTrue(err.get("message").asText().contains(messagePart), r.body());
        assertTrue(err.get("message").asText().contains("CorrelationId:"), r.body());
    }
}
