package io.bcgateway.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Future;

/** {@link WebhookState} of a single gateway: in memory, lost on restart (the start then adopts from BC's list). */
final class LocalWebhookState implements WebhookState {

    /** Delivered changes remembered at most; past it the oldest are forgotten first (bounded memory). */
    static final int MAX_REMEMBERED = 200_000;

    private final Clock clock;
    private final Map<String, Instant> handshakes = new ConcurrentHashMap<>();
    private final Map<String, Integer> openCounts = new ConcurrentHashMap<>();
    private final Map<String, String> clientStates = new ConcurrentHashMap<>();
    /** Insertion order is expiry order (one window for all), so pruning stops at the first live entry. */
    private final LinkedHashMap<String, Instant> delivered = new LinkedHashMap<>();

    LocalWebhookState(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Future<Void> openHandshake(String webhook, Duration ttl) {
        openCounts.merge(webhook, 1, Integer::sum);
        handshakes.put(webhook, clock.instant().plus(ttl));
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> closeHandshake(String webhook) {
        if (openCounts.merge(webhook, -1, Integer::sum) <= 0) {
            openCounts.remove(webhook);
            handshakes.remove(webhook);
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> handshakeOpen(String webhook) {
        Instant until = handshakes.get(webhook);
        return Future.succeededFuture(until != null && clock.instant().isBefore(until));
    }

    @Override
    public Future<Void> rememberClientState(String webhook, String subscriptionId, String clientState) {
        clientStates.put(webhook + "|" + subscriptionId, clientState);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> forgetClientState(String webhook, String subscriptionId) {
        clientStates.remove(webhook + "|" + subscriptionId);
        return Future.succeededFuture();
    }

    @Override
    public Future<String> clientState(String webhook, String subscriptionId) {
        return Future.succeededFuture(clientStates.get(webhook + "|" + subscriptionId));
    }

    @Override
    public synchronized Future<Boolean> delivered(String key) {
        Instant until = delivered.get(key);
        return Future.succeededFuture(until != null && clock.instant().isBefore(until));
    }

    @Override
    public synchronized Future<Void> markDelivered(String key, Duration window) {
        Instant now = clock.instant();
        delivered.remove(key);
        delivered.put(key, now.plus(window));
        Iterator<Map.Entry<String, Instant>> oldest = delivered.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Instant> e = oldest.next();
            if (delivered.size() > MAX_REMEMBERED || !now.isBefore(e.getValue())) {
                oldest.remove();
            } else {
                break;
            }
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> holdLease(String webhook, String owner, Duration ttl) {
        return Future.succeededFuture(true);
    }
}
