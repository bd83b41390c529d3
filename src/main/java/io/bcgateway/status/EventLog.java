package io.bcgateway.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The last events an operator wants to know about, for the status page: BC's 429s with their Retry-After, the
 * gateway's own 429s, retries, circuit breaker transitions, token failures with their AADSTS code, and cluster mode
 * degrading or recovering. Also remembers since when each circuit is in its state and when each principal last got
 * a token.
 *
 * <p>Bounded and lock-free: a fixed ring of {@link #CAPACITY} slots written by an atomic sequence, so recording
 * never blocks an event loop. Events are rare, except 429s, retries and token failures under overload: one of those
 * that follows the last of its kind, connection and principal within {@link #FOLD_MILLIS} is folded into it (a
 * counter and a time, no new slot), so a storm of thousands of the gateway's 429s is one line that moves to the top,
 * and cannot push a breaker transition or a token failure off the page.
 *
 * <p>Nothing secret is ever recorded: the callers pass names, statuses, codes and durations, never a token, a
 * secret or a caller's credential.
 */
@Singleton
public class EventLog {

    /** Events kept; the page shows the newest 20. */
    static final int CAPACITY = 64;
    /** A noisy event this soon after the last of its kind, connection and principal is folded into it. */
    static final long FOLD_MILLIS = 60_000;

    /** What happened; the wire name is the lower-case name with dashes. */
    public enum Kind {
        BC_THROTTLED(true), GATEWAY_THROTTLED(true), RETRY(true), CIRCUIT(false), TOKEN_FAILURE(true),
        CLUSTER(false), WEBHOOK(false), WEBHOOK_FAILURE(true);

        final boolean noisy;
        final String wire = name().toLowerCase(Locale.ROOT).replace('_', '-');

        Kind(boolean noisy) {
            this.noisy = noisy;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * One event (a snapshot).
     *
     * @param seq its position in the log, increasing
     * @param at when it (the first of a fold) happened
     * @param lastAt when the last event folded into it happened ({@code at} when none)
     * @param connection the connection's name, or null for gateway-wide events (cluster)
     * @param principal the principal's configured name, or null
     * @param detail what an operator reads: {@code Retry-After: 5}, {@code closed → open}, an AADSTS code
     * @param repeats how many further events of the same kind were folded into it
     */
    public record Event(long seq, Instant at, Instant lastAt, Kind kind, String connection, String principal,
            String detail, int repeats) {
    }

    /** A slot of the ring: fixed facts plus the fold's counter and time, updated without a lock. */
    private static final class Entry {
        final long seq;
        final Instant at;
        final Kind kind;
        final String connection;
        final String principal;
        final String detail;
        final AtomicInteger repeats = new AtomicInteger();
        volatile Instant lastAt;

        Entry(long seq, Instant at, Kind kind, String connection, String principal, String detail) {
            this.seq = seq;
            this.at = at;
            this.lastAt = at;
            this.kind = kind;
            this.connection = connection;
            this.principal = principal;
            this.detail = detail;
        }

        Event snapshot() {
            return new Event(seq, at, lastAt, kind, connection, principal, detail, repeats.get());
        }
    }

    private record FoldKey(Kind kind, String connection, String principal) {
    }


    private final Clock clock;
    private final Instant started;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
    /** The latest entry of each noisy kind, connection and principal: where the next one may be folded. */
    private final Map<FoldKey, Entry> latestOf = new ConcurrentHashMap<>();
    private final Map<String, Instant> circuitSince = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokenRefreshed = new ConcurrentHashMap<>();

    @Inject
    public EventLog(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** Business Central answered 429 (or its throttling 503) with this {@code Retry-After} header (or none). */
    public void bcThrottled(String connection, String principal, int status, String retryAfter) {
        record(Kind.BC_THROTTLED, connection, principal, status + (retryAfter == null ? ", no Retry-After"
                : ", Retry-After: " + clip(retryAfter, 40)));
    }

    /** The gateway answered 429 itself: BC's limits for this principal left no room before the deadline. */
    public void gatewayThrottled(String connection, String principal) {
        record(Kind.GATEWAY_THROTTLED, connection, principal, "429 from the gateway (queue or window full)");
    }

    /** A request was sent to BC again; {@code reason} is the metric's label (throttled, not_sent, ...). */
    public void retried(String connection, String reason) {
        record(Kind.RETRY, connection, null, "retry: " + reason.replace('_', ' '));
    }

    /** The connection's circuit breaker entered {@code state} (closed, open, half-open). */
    public void circuitChanged(String connection, String state) {
        Instant now = clock.instant();
        circuitSince.put(connection, now);
        append(now, Kind.CIRCUIT, connection, null, "circuit " + state);
    }

    /** A token request failed; {@code aadsts} is Entra's code (e.g. AADSTS7000215), or null when none came. */
    public void tokenFailed(String connection, String principal, String aadsts, String error) {
        String detail = aadsts != null ? aadsts : "Entra ID unreachable";
        record(Kind.TOKEN_FAILURE, connection, principal, error == null ? detail : detail + " (" + clip(error, 40) + ")");
    }

    /** A principal got a token (shown as "last refresh"; not an event). */
    public void tokenAcquired(String connection, String principal) {
        tokenRefreshed.put(connection + '\u0000' + principal, clock.instant());
    }

    /** Cluster mode lost Redis: each replica serves on its local share. */
    public void clusterDegraded(String cause) {
        record(Kind.CLUSTER, null, null, "cluster degraded: " + (cause == null ? "Redis unreachable" : clip(cause, 80)));
    }

    /** Cluster mode reached Redis again. */
    public void clusterRestored() {
        record(Kind.CLUSTER, null, null, "cluster restored: quotas shared through Redis again");
    }

    /** A webhook subscription was created, adopted, renewed, re-created or removed ({@code detail} says which). */
    public void webhook(String connection, String detail) {
        record(Kind.WEBHOOK, connection, null, clip(detail, 120));
    }

    /** A webhook's subscription call or delivery failed (folded: a target down for an hour is one line). */
    public void webhookFailed(String connection, String detail) {
        record(Kind.WEBHOOK_FAILURE, connection, null, clip(detail, 120));
    }

    /** Since when the connection's circuit is in its current state: its last transition, else the gateway's start. */
    public Instant circuitSince(String connection) {
        return circuitSince.getOrDefault(connection, started);
    }

    /** When the principal last got a token from Entra ID, or null. */
    public Instant lastTokenRefresh(String connection, String principal) {
        return tokenRefreshed.get(connection + '\u0000' + principal);
    }

    /** The {@code n} events that happened last (by their last folded occurrence), newest first. */
    public List<Event> latest(int n) {
        List<Event> all = new ArrayList<>(CAPACITY);
        for (int i = 0; i < CAPACITY; i++) {
            Entry e = ring.get(i);
            if (e != null) {
                all.add(e.snapshot());
            }
        }
        all.sort(Comparator.comparing(Event::lastAt).thenComparingLong(Event::seq).reversed());
        return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
    }

    private void record(Kind kind, String connection, String principal, String detail) {
        Instant now = clock.instant();
        if (!kind.noisy) {
            append(now, kind, connection, principal, detail);
            return;
        }
        FoldKey key = new FoldKey(kind, connection, principal);
        Entry last = latestOf.get(key);
        // Fold only into an entry that says the same and is still in the ring (not overwritten by 64 newer ones).
        if (last != null && last.detail.equals(detail) && now.toEpochMilli() - last.lastAt.toEpochMilli() < FOLD_MILLIS
                && ring.get((int) (last.seq % CAPACITY)) == last) {
            last.repeats.incrementAndGet();
            last.lastAt = now;
            return;
        }
        latestOf.put(key, append(now, kind, connection, principal, detail));
    }

    private Entry append(Instant at, Kind kind, String connection, String principal, String detail) {
        long seq = sequence.getAndIncrement();
        Entry e = new Entry(seq, at, kind, connection, principal, detail);
        ring.set((int) (seq % CAPACITY), e);
        return e;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
