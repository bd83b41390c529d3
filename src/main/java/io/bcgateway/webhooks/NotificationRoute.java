package io.bcgateway.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.bcgateway.problem.Problem;
import io.bcgateway.proxy.BoundedBody;
import io.bcgateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /webhooks/{name}}, the URL Business Central calls (publicly reachable, so without caller authentication;
 * the clientState authenticates BC instead):
 * <ul>
 * <li>{@code ?validationToken=...} (GET or POST): the handshake, answered 200 with the token only while this
 * gateway (any replica) creates or renews a subscription of that webhook, else 404 (nobody else can register the
 * gateway's URL for their own subscriptions).</li>
 * <li>POST {@code {"value":[...]}}: a notification. Every entry must carry the clientState the gateway gave its
 * subscription (compared in constant time): one wrong clientState and the whole POST is refused 401, nothing
 * delivered. Entries of subscriptions the gateway does not hold are skipped. BC gets 200 only once every
 * {@code deliver-to} target took every change, otherwise 503, so BC retries: a transient failure is never answered
 * with a 4xx, which would make BC delete the subscription.</li>
 * </ul>
 * A malformed body (not JSON, no {@code value} array) is answered 400: it cannot come from BC's notifier, whose
 * bodies are well-formed, and a retry of it could not succeed either.
 */
final class NotificationRoute {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.webhooks");
    /** Longest validation token echoed; BC's are GUID-sized. */
    static final int MAX_TOKEN = 1024;

    private final Webhooks webhooks;

    NotificationRoute(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String name = rc.pathParam("name");
        Webhooks.Webhook webhook = name == null ? null : webhooks.byName(name);
        if (webhook == null) {
            send(request, Problem.of(404, ProblemType.UNKNOWN_WEBHOOK, "Unknown webhook",
                    "No webhook of that name is configured."));
            return;
        }
        String token = request.getParam("validationToken");
        if (token != null) {
            handshake(request, webhook, token);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            send(request, Problem.of(405, ProblemType.METHOD_NOT_ALLOWED, "Method not allowed",
                    "Notifications are POSTed; a handshake carries ?validationToken=."));
            return;
        }
        int max = webhook.spec().settings().maxNotificationBody();
        Context context = Vertx.currentContext();
        BoundedBody.read(request, max).onComplete(read -> {
            if (read.succeeded()) {
                notification(context, request, webhook, read.result());
            } else if (read.cause() instanceof BoundedBody.TooLarge) {
                tooLarge(request, max);
            } else {
                request.connection().close(); // BC hung up mid-body: it sees no answer, so it retries
            }
        });
    }

    private void handshake(HttpServerRequest request, Webhooks.Webhook webhook, String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN || token.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            send(request, Problem.of(400, ProblemType.BAD_REQUEST, "Bad request",
                    "validationToken must be 1 to " + MAX_TOKEN + " printable characters."));
            return;
        }
        webhooks.state().handshakeOpen(webhook.spec().name()).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                LOG.debugf("Webhook %s: handshake answered", webhook.spec().name());
                request.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                        .putHeader("Cache-Control", "no-store").end(token);
            } else {
                LOG.infof("Webhook %s: handshake refused from %s (no subscription is being created or renewed)",
                        webhook.spec().name(), request.remoteAddress());
                send(request, Problem.of(404, ProblemType.HANDSHAKE_NOT_EXPECTED, "No handshake expected",
                        "This gateway is not creating or renewing a subscription of this webhook."));
            }
        });
    }

    private void notification(Context context, HttpServerRequest request, Webhooks.Webhook webhook, Buffer body) {
        List<JsonObject> entries = entries(body);
        if (entries == null) {
            webhook.metrics().rejected();
            send(request, Problem.of(400, ProblemType.BAD_REQUEST, "Bad request",
                    "A notification is a JSON object {\"value\":[{subscriptionId, clientState, resource, changeType,"
                            + " lastModifiedDateTime}, ...]}."));
            return;
        }
        String name = webhook.spec().name();
        List<Future<String>> states = entries.stream()
                .map(e -> webhooks.state().clientState(name, e.getString("subscriptionId"))).toList();
        Future.all(states).onComplete(ar -> {
            if (ar.failed()) {
                // The shared state (Redis) did not answer: transient, so BC must retry rather than give up.
                unavailable(request, "The gateway could not check the notification now; retry later.");
                return;
            }
            List<JsonObject> accepted = new ArrayList<>();
            int unknown = 0;
            for (int i = 0; i < entries.size(); i++) {
                String expected = states.get(i).result();
                if (expected == null) {
                    unknown++;
                    continue;
                }
                if (!sameSecret(expected, entries.get(i).getString("clientState"))) {
                    webhook.metrics().rejected();
                    LOG.warnf("Webhook %s: notification refused, wrong clientState for subscription %s, from %s",
                            name, entries.get(i).getString("subscriptionId"), request.remoteAddress());
                    send(request, Problem.of(401, ProblemType.NOTIFICATION_REJECTED, "Notification refused",
                            "A clientState does not match its subscription; nothing was delivered."));
                    return;
                }
                accepted.add(entries.get(i));
            }
            if (accepted.isEmpty() && unknown > 0) {
                if (!webhook.ready()) {
                    // Just started: the subscriptions are being adopted from BC's list. Not ours yet is not "never".
                    unavailable(request, "The gateway is still reading its subscriptions; retry later.");
                    return;
                }
                webhook.metrics().rejected();
                send(request, Problem.of(401, ProblemType.NOTIFICATION_REJECTED, "Notification refused",
                        "No entry names a subscription of this webhook; nothing was delivered."));
                return;
            }
            webhook.metrics().notificationAccepted();
            webhook.delivery().deliver(context, accepted).onComplete(done -> {
                if (done.succeeded()) {
                    request.response().setStatusCode(200).end();
                } else {
                    unavailable(request, "Not every deliver-to target took every change; retry later.");
                }
            });
        });
    }

    /** The entries of a notification body (an empty {@code value} is answered 200), or null when it is not one. */
    static List<JsonObject> entries(Buffer body) {
        JsonArray value;
        try {
            value = new JsonObject(body).getJsonArray("value");
        } catch (RuntimeException e) {
            return null;
        }
        if (value == null) {
            return null;
        }
        List<JsonObject> entries = new ArrayList<>(value.size());
        for (Object o : value) {
            if (!(o instanceof JsonObject e) || !(e.getValue("subscriptionId") instanceof String)
                    || !(e.getValue("clientState") instanceof String) || !(e.getValue("changeType") instanceof String)
                    || !(e.getValue("resource") instanceof String)) {
                return null;
            }
            entries.add(e);
        }
        return entries;
    }

    /** Constant time in the secret's length: a forger learns nothing from how long the refusal took. */
    static boolean sameSecret(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static void unavailable(HttpServerRequest request, String detail) {
        send(request, Problem.of(503, ProblemType.DELIVERY_FAILED, "Not delivered yet", detail));
    }

    private static void tooLarge(HttpServerRequest request, int max) {
        request.response().putHeader("Connection", "close");
        send(request, Problem.of(413, ProblemType.NOTIFICATION_TOO_LARGE, "Notification too large",
                "A notification may be at most " + max + " bytes."));
    }

    private static void send(HttpServerRequest request, Problem problem) {
        if (!request.response().ended()) {
            problem.send(request.response());
        }
    }
}
