package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last {@value #CAPACITY} calls the simulated BC made to subscribers, handshakes and notifications, in the order
 * they were answered: what tests check instead of standing up their own receiver log.
 */
final class WebhookDeliveryLog {

    static final int CAPACITY = 1000;
    /** Bounds memory: older entries go once the logged payloads hold more notification entries than this in total. */
    static final int MAX_LOGGED_NOTIFICATIONS = 200_000;

    /**
     * One call.
     *
     * @param attempt 1 for the first send of a notification, 2 for its first retry, ...; 1 for a handshake
     * @param status the subscriber's answer, 0 when there was none (connection failed or timed out)
     * @param payload the JSON body sent; null for a handshake
     * @param outcome what BC made of it: {@code delivered}, {@code retry}, {@code gave-up}, {@code subscription-deleted},
     *                or for a handshake {@code validated} / {@code rejected}
     */
    record Entry(String notificationUrl, Instant sentAt, int attempt, int status, JsonNode payload, boolean handshake,
                 String outcome) { }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long loggedNotifications;

    synchronized void add(Entry e) {
        entries.addLast(e);
        loggedNotifications += weight(e);
        while (entries.size() > CAPACITY || (loggedNotifications > MAX_LOGGED_NOTIFICATIONS && entries.size() > 1)) {
            loggedNotifications -= weight(entries.removeFirst());
        }
    }

    synchronized void clear() {
        entries.clear();
        loggedNotifications = 0;
    }

    private static int weight(Entry e) {
        return e.payload() == null ? 0 : e.payload().path("value").size();
    }

    synchronized ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = root.putArray("value");
        for (Entry e : entries) {
            ObjectNode n = arr.addObject();
            n.put("notificationUrl", e.notificationUrl());
            n.put("sentAt", EntityStore.timestamp(e.sentAt()));
            n.put("attempt", e.attempt());
            n.put("status", e.status());
            if (e.payload() == null) {
                n.putNull("payload");
            } else {
                n.set("payload", e.payload());
            }
            n.put("handshake", e.handshake());
            n.put("outcome", e.outcome());
        }
        return root;
    }
}
