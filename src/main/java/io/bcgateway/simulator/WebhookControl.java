package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook part of the control API (no auth, JSON, under {@code /_sim/webhooks}), and its settings in
 * {@code PUT /_sim/settings}. See the package documentation for the calls.
 */
final class WebhookControl {

    private final Webhooks webhooks;

    WebhookControl(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    void mount(Router r) {
        r.get("/_sim/webhooks/subscriptions").handler(ctx -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            ArrayNode arr = root.putArray("value");
            for (WebhookSubscriptions.Subscription s : webhooks.subscriptions.list(null)) {
                ObjectNode n = arr.addObject();
                n.put("subscriptionId", s.id());
                n.put("notificationUrl", s.notificationUrl());
                n.put("resource", s.resource());
                n.put("clientState", s.clientState());
                n.put("expirationDateTime", EntityStore.timestamp(s.expiration()));
                n.put("clientId", s.clientId());
                n.put("apiRoute", s.apiRoute());
                n.put("etag", s.etag());
            }
            json(ctx, 200, root);
        });
        // BC deletes a subscription on its own, as after a delivery answered with a status it does not retry.
        r.delete("/_sim/webhooks/subscriptions/:id").handler(ctx -> {
            if (webhooks.subscriptions.remove(ctx.pathParam("id"))) {
                ctx.response().setStatusCode(204).end();
            } else {
                json(ctx, 404, JsonNodeFactory.instance.objectNode().put("error", "No such subscription"));
            }
        });
        r.get("/_sim/webhooks/deliveries").handler(ctx -> json(ctx, 200, webhooks.deliveries.toJson()));
        r.post("/_sim/webhooks/deliveries/reset").handler(ctx -> {
            webhooks.deliveries.clear();
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("cleared", true));
        });
        r.get("/_sim/webhooks/pending").handler(ctx -> json(ctx, 200, webhooks.notifier.pendingJson()));
        r.post("/_sim/webhooks/flush").handler(ctx -> webhooks.notifier.flush().onComplete(ar ->
                json(ctx, 200, JsonNodeFactory.instance.objectNode().put("sent", ar.succeeded() ? ar.result() : 0))));
        r.post("/_sim/webhooks/retry").handler(ctx -> webhooks.notifier.retryNow().onComplete(ar ->
                json(ctx, 200, JsonNodeFactory.instance.objectNode().put("retried", ar.succeeded() ? ar.result() : 0))));
    }

    /** Applies one {@code PUT /_sim/settings} field if it is a webhook setting; false if it is not one. */
    static boolean applySetting(WebhookSettings s, String name, JsonNode v) {
        switch (name) {
            case "webhookDelayMillis" -> s.delayMillis(longValue(name, v));
            case "webhookCollectionThreshold" -> s.collectionThreshold((int) Math.min(Integer.MAX_VALUE, longValue(name, v)));
            case "subscriptionLifetimeSeconds" -> s.subscriptionLifetimeSeconds(longValue(name, v));
            case "webhookHandshakeTimeoutMillis" -> s.handshakeTimeoutMillis(longValue(name, v));
            case "webhookDeliveryTimeoutMillis" -> s.deliveryTimeoutMillis(longValue(name, v));
            case "webhookRetryScheduleMillis" -> {
                if (!v.isArray()) throw new IllegalArgumentException(name + " must be an array of milliseconds");
                List<Long> schedule = new ArrayList<>();
                v.forEach(e -> schedule.add(longValue(name, e)));
                s.retryScheduleMillis(schedule);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    static void writeSettings(WebhookSettings s, ObjectNode n) {
        n.put("webhookDelayMillis", s.delayMillis());
        n.put("webhookCollectionThreshold", s.collectionThreshold());
        n.put("subscriptionLifetimeSeconds", s.subscriptionLifetimeSeconds());
        n.put("webhookHandshakeTimeoutMillis", s.handshakeTimeoutMillis());
        n.put("webhookDeliveryTimeoutMillis", s.deliveryTimeoutMillis());
        ArrayNode schedule = n.putArray("webhookRetryScheduleMillis");
        s.retryScheduleMillis().forEach(schedule::add);
    }

    private static long longValue(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(name + " must be an integer");
        return v.asLong();
    }

    private static void json(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(JsonBuffers.of(body));
    }
}
