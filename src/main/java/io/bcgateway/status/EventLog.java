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
 * never blocks an event loop. Events are rare, except 429s and retries under overload: those are folded into one
 * event per connection, principal and kind per {@link #FOLD_MILLIS} (the next one says how many it stands for), so
 * that a storm of the gateway's 429s cannot push a breaker transition off the page.
 *
 * <p>Nothing secret is ever recorded: the callers pass names, statuses, codes and durations, never a token, a
 * secret or a caller's credential.
 */
@Singleton
public class EventLog {

    /** Events kept; the page shows the newest 20. */
    static final int CAPACITY = 64;
    /** Noisy kinds are recorded at most once a second per connection, principal and kind. */
    static final long FOLD_MILLIS = 1000;

    /** What happened; the wire name is the lower-case name with dashes. */
    public enum Kind {
        BC_THROTTLED(true), GATEWAY_THROTTLED(true), RETRY(true), CIRCUIT(false), TOKEN_FAILURE(true),
        CLUSTER(false);

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
     * One event.
     *
     * @param seq its position in the log, increasing
     * @param connection the connection's name, or null for gateway-wide events (cluster)
     * @param principal the principal's configured name, or null
     * @param detail what an operator reads: {@code Retry-After: 5}, {@code closed → open}, an AADSTS code
     * @param repeats how many further events of the same kind it stands for (folded in since the previous one)
     */
    public record Event(long seq, Instant at, Kind kind, String connection, String principal, String detail,
            int repeats) {
    }

    private record FoldKey(Kind kind, String connection, String principal) {
    }

    /** The last recorded time of one noisy kind and how many occurrences were folded since. */
    private static final class Fold {
        final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE / 2); // "long ago", without overflow in now - last
        final AtomicInteger folded = new AtomicInteger();
    }

    private final Clock clock;
    private final Instant started;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReferenceArray<Event> ring = new AtomicReferenceArray<>(CAPACITY);
    private final Map<FoldKey, Fold> folds = new ConcurrentHashMap<>();
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
        append(now, Kind.CIRCUIT, connection, null, "circuit " + state, 0);
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

    /** Since when the connection's circuit is in its current state: its last transition, else the gateway's start. */
    public Instant circuitSince(String connection) {
        return circuitSince.getOrDefault(connection, started);
    }

    /** When the principal last got a token from Entra ID, or null. */
    public Instant lastTokenRefresh(String connection, String principal) {
        return tokenRefreshed.get(connection + '\u0000' + principal);
    }

    /** The newest {@code n} events, newest first. */
    public List<Event> latest(int n) {
        List<Event> all = new ArrayList<>(CAPACITY);
        for (int i = 0; i < CAPACITY; i++) {
            Event e = ring.get(i);
            if (e != null) {
                all.add(e);
            }
        }
        all.sort(Comparator.comparingLong(Event::seq).reversed());
        return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
    }

    private void record(Kind kind, String connection, String principal, String detail) {
        Instant now = clock.instant();
        if (kind.noisy) {
            Fold fold = folds.computeIfAbsent(new FoldKey(kind, connection, principal), k -> new Fold());
            long last = fold.lastMillis.get();
            long nowMillis = now.toEpochMilli();
            if (nowMillis - last < FOLD_MILLIS || !fold.lastMillis.compareAndSet(last, nowMillis)) {
                fold.folded.incrementAndGet();
                return;
            }
            append(now, kind, connection, principal, detail, fold.folded.getAndSet(0));
            return;
        }
        append(now, kind, connection, principal, detail, 0);
    }

    private void append(Instant at, Kind kind, String connection, String principal, String detail, int repeats) {
        long seq = sequence.getAndIncrement();
        ring.set((int) (seq % CAPACITY), new Event(seq, at, kind, connection, principal, detail, repeats));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
