package io.bcgateway.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;

/** The chart's 15-minute history: bounded buckets, counts, BC 429s and a p95 from a fixed histogram. */
class HistoryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T01:00:00Z"));
    private final History history = new History(clock);

    @Test
    void countsRequestsAnd429sPerTenSecondBucketOverFifteenMinutes() {
        History.Connection sim = history.forConnection("sim");
        for (int i = 0; i < 100; i++) {
            sim.requestEnded(Duration.ofMillis(i < 90 ? 20 : 400).toNanos());
        }
        sim.bcThrottled();
        sim.bcThrottled();
        clock.advance(Duration.ofSeconds(10));
        sim.requestEnded(Duration.ofMillis(3).toNanos());

        List<History.Point> points = history.points("sim");
        assertEquals(History.BUCKETS, points.size());
        History.Point previous = points.get(points.size() - 2);
        assertEquals(100, previous.requests());
        assertEquals(2, previous.bc429());
        // 90 requests at 20 ms (bin 10-25), 10 at 400 ms (bin 250-500): the 95th falls half-way into 250-500.
        assertEquals(375, previous.p95Millis());
        History.Point now = points.get(points.size() - 1);
        assertEquals(1, now.requests());
        assertTrue(now.p95Millis() <= 5, now::toString);
        assertEquals(-1, points.get(0).p95Millis(), "an empty bucket has no p95");
    }

    @Test
    void aBucketFromTheRingsPreviousLapStartsFromZero() {
        History.Connection sim = history.forConnection("sim");
        sim.requestEnded(1_000_000);
        clock.advance(Duration.ofMinutes(15)); // the same slot of the ring, one lap later
        assertEquals(0, history.points("sim").stream().mapToInt(History.Point::requests).sum(),
                "fifteen minutes ago is off the chart");
        sim.requestEnded(1_000_000);
        assertEquals(1, history.points("sim").get(History.BUCKETS - 1).requests());
    }

    @Test
    void recordingARequestAllocatesNothing() {
        History.Connection sim = new History(java.time.Clock.systemUTC()).forConnection("sim");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            sim.requestEnded(i * 1000L); // warm-up
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sim.requestEnded(i * 1000L);
            sim.bcThrottled();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "100,000 requests recorded with " + allocated + " bytes allocated");
    }

    @Test
    void p95OfAHistogramInterpolatesInsideItsBin() {
        int[] bins = new int[History.LATENCY_BOUNDS_MILLIS.length + 1];
        assertEquals(-1, History.p95(bins));
        bins[4] = 100; // all in 50-100 ms
        assertEquals(98, History.p95(bins));
        bins[bins.length - 1] = 1000; // most slower than a minute: reported as "at least" the last bound
        assertEquals(60000, History.p95(bins));
    }
}
