package io.bcgateway.status;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The last 15 minutes of each connection for the status page's chart: requests, BC's 429s and a latency histogram
 * per 10-second bucket, in a fixed ring per connection (90 buckets, about 6 KB). Fed where the request metrics are
 * recorded: a few atomic increments, no lock and no allocation per request. A bucket from an earlier lap of the
 * ring is cleared by the first request that lands in it again; an increment racing with that clear may be lost,
 * which a chart can afford.
 */
@Singleton
public class History {

    static final int BUCKET_SECONDS = 10;
    static final int BUCKETS = 15 * 60 / BUCKET_SECONDS;
    /** Upper bounds of the latency bins in milliseconds; the last bin is everything slower. */
    static final long[] LATENCY_BOUNDS_MILLIS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000};
    private static final int BINS = LATENCY_BOUNDS_MILLIS.length + 1;
    private static final int REQUESTS = 0;
    private static final int BC_429 = 1;
    private static final int FIRST_BIN = 2;
    private static final int SLOTS = FIRST_BIN + BINS;

    private final Clock clock;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    @Inject
    public History(Clock clock) {
        this.clock = clock;
    }

    /** The history of one connection; callers keep it and record into it directly. */
    public Connection forConnection(String name) {
        return connections.computeIfAbsent(name, n -> new Connection());
    }

    /**
     * One point of the chart.
     *
     * @param start the bucket's start, epoch milliseconds
     * @param requests pass-through requests answered in it
     * @param bc429 BC's 429s (and throttling 503s) in it
     * @param p95Millis the 95th percentile of their duration (interpolated inside its histogram bin), or -1 without
     *        requests
     */
    public record Point(long start, int requests, int bc429, long p95Millis) {
    }

    /** The last 15 minutes of {@code name}, oldest first, one point per bucket (empty buckets as zeros). */
    public List<Point> points(String name) {
        return forConnection(name).points(clock.millis());
    }

    /** One connection's ring of buckets. */
    public final class Connection {
        private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
        private final AtomicIntegerArray counts = new AtomicIntegerArray(BUCKETS * SLOTS);

        Connection() {
            for (int i = 0; i < BUCKETS; i++) {
                epochs.set(i, -1);
            }
        }

        /** A pass-through request was answered after {@code nanos}. */
        public void requestEnded(long nanos) {
            int base = bucket(clock.millis());
            counts.incrementAndGet(base + REQUESTS);
            counts.incrementAndGet(base + FIRST_BIN + bin(nanos / 1_000_000));
        }

        /** Business Central answered 429 (or its throttling 503). */
        public void bcThrottled() {
            counts.incrementAndGet(bucket(clock.millis()) + BC_429);
        }

        /** The offset of the current bucket's counters, clearing the bucket first when it is from an earlier lap. */
        private int bucket(long nowMillis) {
            long epoch = nowMillis / (BUCKET_SECONDS * 1000L);
            int slot = (int) (epoch % BUCKETS);
            long seen = epochs.get(slot);
            if (seen != epoch && epochs.compareAndSet(slot, seen, epoch)) {
                for (int i = 0; i < SLOTS; i++) {
                    counts.set(slot * SLOTS + i, 0);
                }
            }
            return slot * SLOTS;
        }

        List<Point> points(long nowMillis) {
            long current = nowMillis / (BUCKET_SECONDS * 1000L);
            List<Point> points = new ArrayList<>(BUCKETS);
            int[] bins = new int[BINS];
            for (long epoch = current - BUCKETS + 1; epoch <= current; epoch++) {
                int slot = (int) (epoch % BUCKETS);
                long start = epoch * BUCKET_SECONDS * 1000L;
                if (epochs.get(slot) != epoch) {
                    points.add(new Point(start, 0, 0, -1));
                    continue;
                }
                int base = slot * SLOTS;
                for (int b = 0; b < BINS; b++) {
                    bins[b] = counts.get(base + FIRST_BIN + b);
                }
                points.add(new Point(start, counts.get(base + REQUESTS), counts.get(base + BC_429), p95(bins)));
            }
            return points;
        }
    }

    private static int bin(long millis) {
        for (int i = 0; i < LATENCY_BOUNDS_MILLIS.length; i++) {
            if (millis <= LATENCY_BOUNDS_MILLIS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MILLIS.length;
    }

    /** The 95th percentile from a histogram, interpolated linearly inside the bin where it falls; -1 when empty. */
    static long p95(int[] bins) {
        long total = 0;
        for (int c : bins) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        double rank = 0.95 * total;
        long below = 0;
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] > 0 && below + bins[i] >= rank) {
                long lower = i == 0 ? 0 : LATENCY_BOUNDS_MILLIS[i - 1];
                if (i == LATENCY_BOUNDS_MILLIS.length) {
                    return lower; // slower than the last bound: report the bound ("at least")
                }
                long upper = LATENCY_BOUNDS_MILLIS[i];
                return Math.round(lower + (upper - lower) * ((rank - below) / bins[i]));
            }
            below += bins[i];
        }
        return LATENCY_BOUNDS_MILLIS[LATENCY_BOUNDS_MILLIS.length - 1];
    }
}
