package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns recorded entity changes into BC's notifications (bc-facts "Webhooks"):
 * <ul>
 *   <li>Changes wait in one batch per notificationUrl; the batch is sent {@link WebhookSettings#delayMillis()} after
 *       its <em>first</em> change, as one POST carrying every subscription's changes for that URL.</li>
 *   <li>More than {@link WebhookSettings#collectionThreshold()} changes for one subscription in one batch become a
 *       single {@code collection} entry whose {@code resource} filters on {@code lastDateTimeModified}.</li>
 *   <li>A 2xx answer delivers. 408, 429, 5xx, a failed connection or no answer in time: the same POST is retried after
 *       each wait of {@link WebhookSettings#retryScheduleMillis()}, then BC gives up on it. Any other status: no
 *       retry, and every subscription in that POST is deleted.</li>
 * </ul>
 * Bounded: at most {@value #MAX_PENDING_CHANGES} individual changes wait (beyond that a subscription's batch becomes a
 * {@code collection}, which holds no rows), and at most {@value #MAX_RETRYING} notifications holding at most
 * {@value #MAX_PENDING_CHANGES} entries in all wait for a retry (beyond that BC gives up on the newest failure).
 */
final class WebhookNotifier {

    static final int MAX_PENDING_CHANGES = 100_000;
    static final int MAX_RETRYING = 1000;

    /** One change of one entity; {@code at} is the entity's new lastModifiedDateTime (for a delete: when it happened). */
    record Change(UUID companyId, String entitySet, UUID entityId, String changeType, Instant at) { }

    /** A subscription's changes within one batch; {@code changes} is null once they became a collection. */
    private static final class SubscriptionChanges {
        List<Change> changes = new ArrayList<>();
        int count;
        Instant first;
        Instant last;
    }

    private static final class Batch {
        final Map<String, SubscriptionChanges> bySubscription = new LinkedHashMap<>();
        long timerId = -1;
    }

    /** A sent notification waiting for its next attempt. */
    private record Retry(long key, String url, ObjectNode payload, Set<String> subscriptionIds, int attempt, long timerId) { }

    private final Vertx vertx;
    private final WebhookSettings settings;
    private final WebhookSubscriptions subscriptions;
    private final WebhookSender sender;
    private final WebhookDeliveryLog log;
    private final Clock clock;

    // Guarded by this.
    private final Map<String, Batch> pending = new LinkedHashMap<>();
    private int pendingChanges;
    private final Map<Long, Retry> retries = new LinkedHashMap<>();
    private long retryingEntries;
    private long nextRetryKey;
    /** Bumped by {@link #reset()}: answers to sends from before a reset schedule nothing. */
    private long generation;
    private final Set<Future<?>> inFlight = new HashSet<>();

    WebhookNotifier(Vertx vertx, WebhookSettings settings, WebhookSubscriptions subscriptions, WebhookSender sender,
                    WebhookDeliveryLog log, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.log = log;
        this.clock = clock;
    }

    /** Records a change for every live subscription that hears it; the first change of a URL starts its delay. */
    void changed(Change c) {
        if (subscriptions.isEmpty()) return; // the common case: no webhooks at all
        List<WebhookSubscriptions.Subscription> hearing = subscriptions.matching(c.companyId(), c.entitySet());
        if (hearing.isEmpty()) return;
        int threshold = settings.collectionThreshold();
        synchronized (this) {
            for (WebhookSubscriptions.Subscription s : hearing) {
                Batch batch = pending.get(s.notificationUrl());
                if (batch == null) {
                    batch = new Batch();
                    pending.put(s.notificationUrl(), batch);
                    String url = s.notificationUrl();
                    batch.timerId = vertx.setTimer(Math.max(1, settings.delayMillis()), id -> sendBatch(url));
                }
                SubscriptionChanges sc = batch.bySubscription.computeIfAbsent(s.id(), k -> new SubscriptionChanges());
                sc.count++;
                if (sc.first == null) sc.first = c.at();
                sc.last = c.at();
                if (sc.changes == null) continue;
                if (sc.count > threshold || pendingChanges >= MAX_PENDING_CHANGES) {
                    pendingChanges -= sc.changes.size();
                    sc.changes = null; // now a collection: the rows are read back with the filter, not kept here
                } else {
                    sc.changes.add(c);
                    pendingChanges++;
                }
            }
        }
    }

    /** Sends every pending batch now; completes with the number of POSTs once they and any earlier sends were answered. */
    Future<Integer> flush() {
        List<String> urls;
        List<Future<?>> earlier;
        synchronized (this) {
            urls = new ArrayList<>(pending.keySet());
            earlier = new ArrayList<>(inFlight);
        }
        List<Future<?>> all = new ArrayList<>(earlier);
        int[] sent = {0};
        for (String url : urls) {
            Future<Boolean> f = sendBatch(url);
            all.add(f.onSuccess(posted -> {
                if (posted) {
                    synchronized (sent) {
                        sent[0]++;
                    }
                }
            }));
        }
        return Future.join(all).transform(ar -> Future.succeededFuture(sent[0]));
    }

    /** Makes the next attempt of every notification waiting for a retry now; completes with their number once answered. */
    Future<Integer> retryNow() {
        List<Retry> due;
        synchronized (this) {
            due = new ArrayList<>(retries.values());
            retries.clear();
            retryingEntries = 0;
        }
        List<Future<?>> all = new ArrayList<>();
        for (Retry r : due) {
            vertx.cancelTimer(r.timerId());
            all.add(attempt(r));
        }
        return Future.join(all).map(v -> due.size());
    }

    /** Notifications waiting for their delay and for a retry. */
    synchronized ObjectNode pendingJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("pendingNotificationUrls", pending.size());
        n.put("pendingChanges", pendingChanges);
        n.put("waitingForRetry", retries.size());
        return n;
    }

    /** Drops every pending batch and retry (the subscriptions themselves are the store's). */
    synchronized void reset() {
        pending.values().forEach(b -> vertx.cancelTimer(b.timerId));
        pending.clear();
        pendingChanges = 0;
        retries.values().forEach(r -> vertx.cancelTimer(r.timerId()));
        retries.clear();
        retryingEntries = 0;
        generation++;
    }

    /** Guarded by this. */
    private Retry takeRetry(long key) {
        Retry r = retries.remove(key);
        if (r != null) retryingEntries -= r.payload().path("value").size();
        return r;
    }

    /** Sends the batch of {@code url} if it is still pending; true when a POST went out. */
    private Future<Boolean> sendBatch(String url) {
        Batch batch;
        long gen;
        synchronized (this) {
            batch = pending.remove(url);
            if (batch == null) return Future.succeededFuture(false);
            vertx.cancelTimer(batch.timerId);
            for (SubscriptionChanges sc : batch.bySubscription.values()) {
                if (sc.changes != null) pendingChanges -= sc.changes.size();
            }
            gen = generation;
        }
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        ArrayNode value = payload.putArray("value");
        Set<String> ids = new HashSet<>();
        batch.bySubscription.forEach((id, sc) -> subscriptions.get(id).ifPresent(s -> {
            ids.add(id);
            if (sc.changes == null) {
                value.add(collectionEntry(s, sc));
            } else {
                sc.changes.forEach(c -> value.add(entry(s, s.collectionPath() + "(" + c.entityId() + ")", c.changeType(), c.at())));
            }
        }));
        if (value.isEmpty()) return Future.succeededFuture(false); // every subscription was deleted or expired meanwhile
        return send(new Retry(-1, url, payload, ids, 1, -1), gen).map(true);
    }

    private Future<Void> attempt(Retry r) {
        long gen;
        synchronized (this) {
            gen = generation;
        }
        // A retry only goes out while one of its subscriptions is still there: BC does not notify for deleted ones.
        if (r.subscriptionIds().stream().noneMatch(id -> subscriptions.get(id).isPresent())) return Future.succeededFuture();
        return send(r, gen);
    }

    private Future<Void> send(Retry r, long gen) {
        Instant sentAt = clock.instant();
        Buffer body = JsonBuffers.of(r.payload());
        Future<Void> f = sender.notify(r.url(), body, settings.deliveryTimeoutMillis()).map(answer -> {
            log.add(new WebhookDeliveryLog.Entry(r.url(), sentAt, r.attempt(), answer.status(), r.payload(), false,
                    outcome(r, answer.status(), gen)));
            return null;
        });
        synchronized (this) {
            inFlight.add(f);
        }
        f.onComplete(ar -> {
            synchronized (this) {
                inFlight.remove(f);
            }
        });
        return f;
    }

    /** Applies BC's rule for a delivery answer and says what it did. */
    private String outcome(Retry r, int status, long gen) {
        if (status >= 200 && status < 300) return "delivered";
        if (status == 0 || status == 408 || status == 429 || status >= 500) {
            List<Long> schedule = settings.retryScheduleMillis();
            int retryIndex = r.attempt() - 1;
            if (retryIndex >= schedule.size()) return "gave-up";
            synchronized (this) {
                if (gen != generation) return "gave-up";
                int entries = r.payload().path("value").size();
                if (retries.size() >= MAX_RETRYING || retryingEntries + entries > MAX_PENDING_CHANGES) return "gave-up";
                long key = nextRetryKey++;
                long timer = vertx.setTimer(Math.max(1, schedule.get(retryIndex)), id -> {
                    Retry due;
                    synchronized (this) {
                        due = takeRetry(key);
                    }
                    if (due != null) attempt(due);
                });
                retries.put(key, new Retry(key, r.url(), r.payload(), r.subscriptionIds(), r.attempt() + 1, timer));
                retryingEntries += entries;
            }
            return "retry";
        }
        // bc-facts: any other status ends the retries and BC deletes the subscription.
        r.subscriptionIds().forEach(subscriptions::remove);
        return "subscription-deleted";
    }

    private static ObjectNode entry(WebhookSubscriptions.Subscription s, String resource, String changeType, Instant at) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("subscriptionId", s.id());
        n.put("clientState", s.clientState());
        n.put("expirationDateTime", EntityStore.timestamp(s.expiration()));
        n.put("resource", resource);
        n.put("changeType", changeType);
        n.put("lastModifiedDateTime", EntityStore.timestamp(at));
        return n;
    }

    /**
     * {@code resource} filters from just before the first change, so that reading it returns every row changed
     * since (timestamps have millisecond precision; {@code gt} on the first change itself would miss that row).
     */
    private static ObjectNode collectionEntry(WebhookSubscriptions.Subscription s, SubscriptionChanges sc) {
        String since = EntityStore.timestamp(sc.first.minusMillis(1));
        String resource = s.collectionPath() + "?$filter=lastDateTimeModified%20gt%20" + since;
        return entry(s, resource, "collection", sc.last);
    }
}
