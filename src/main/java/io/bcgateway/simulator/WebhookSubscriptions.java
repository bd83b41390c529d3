package io.bcgateway.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BC's webhook subscriptions, all principals together. A subscription past its {@code expirationDateTime} on the
 * simulator's clock is gone: every read drops it, so an expired subscription is never listed nor notified.
 */
final class WebhookSubscriptions {

    /** Bounds memory; BC online has its own (undocumented) per-environment limit. */
    static final int MAX_SUBSCRIPTIONS = 10_000;

    /**
     * One subscription.
     *
     * @param apiRoute the API it was created on, {@code api/v2.0} or {@code api/{publisher}/{group}/{version}}
     * @param resource the resource as the subscriber sent it, echoed back like BC does
     * @param companyId the company of the resource
     * @param entitySet the entity set whose changes it hears, e.g. {@code customers}
     */
    record Subscription(String id, String clientId, String apiRoute, String resource, UUID companyId, String entitySet,
                        String notificationUrl, String clientState, Instant created, Instant lastModified,
                        Instant expiration, String etag) {

        /** {@code api/v2.0/companies(<id>)/customers}: what notifications name, without a leading slash (BC's shape). */
        String collectionPath() {
            return apiRoute + "/companies(" + companyId + ")/" + entitySet;
        }

        /** BC reports the principal's user id; for an app that is a fixed GUID per client id. */
        String userId() {
            return UUID.nameUUIDFromBytes(("app:" + clientId).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        }

        Subscription renewed(String url, String state, Instant now, Instant expires, String newEtag) {
            return new Subscription(id, clientId, apiRoute, resource, companyId, entitySet, url, state, created, now, expires, newEtag);
        }
    }

    private final Clock clock;
    private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
    // Row versions in the same style as the entities' ETags, in a range of their own.
    private final AtomicLong version = new AtomicLong(71_000_000_000_000L);

    WebhookSubscriptions(Clock clock) {
        this.clock = clock;
    }

    String nextEtag() {
        return Etags.forVersion(version.incrementAndGet());
    }

    /** BC's subscription ids are GUIDs written as 32 hex digits. */
    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    void add(Subscription s) {
        purgeExpired();
        if (byId.size() >= MAX_SUBSCRIPTIONS) {
            throw BcException.badRequest("BadRequest", "The maximum number of webhook subscriptions (" + MAX_SUBSCRIPTIONS
                    + ") has been reached.");
        }
        byId.put(s.id(), s);
    }

    Optional<Subscription> get(String id) {
        Subscription s = byId.get(id);
        if (s == null) return Optional.empty();
        if (expired(s)) {
            byId.remove(id, s);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Replaces {@code old} with {@code renewed} unless someone else changed or deleted it meanwhile. */
    boolean replace(Subscription old, Subscription renewed) {
        return byId.replace(old.id(), old, renewed);
    }

    boolean remove(String id) {
        return byId.remove(id) != null;
    }

    /** Live subscriptions, oldest first; all principals when {@code clientId} is null. */
    List<Subscription> list(String clientId) {
        purgeExpired();
        List<Subscription> out = new ArrayList<>();
        for (Subscription s : byId.values()) {
            if (clientId == null || s.clientId().equalsIgnoreCase(clientId)) out.add(s);
        }
        out.sort(Comparator.comparing(Subscription::created).thenComparing(Subscription::id));
        return out;
    }

    /** Live subscriptions that hear changes of {@code entitySet} in {@code companyId}. */
    List<Subscription> matching(UUID companyId, String entitySet) {
        List<Subscription> out = new ArrayList<>();
        for (Subscription s : byId.values()) {
            if (s.companyId().equals(companyId) && s.entitySet().equals(entitySet) && !expired(s)) out.add(s);
        }
        return out;
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    void clear() {
        byId.clear();
    }

    private boolean expired(Subscription s) {
        return !clock.instant().isBefore(s.expiration());
    }

    private void purgeExpired() {
        byId.values().removeIf(this::expired);
    }
}
