package io.bcgateway.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SlidingWindowLogTest {

    /** A 300 ms window: an event at t leaves when the clock reaches t + 300. */
    private final SlidingWindowLog log = new SlidingWindowLog(Duration.ofMillis(300));

    @Test
    void eventsLeaveWhenTheHorizonReachesTheirMillisecondAndNotBefore() {
        log.add(1_000);
        log.add(1_000);
        log.add(1_001);
        assertEquals(1_300, log.oldestLeavesAtMillis());
        log.expire(1_299);
        assertEquals(3, log.count());
        log.expire(1_300);
        assertEquals(1, log.count(), "both events of millisecond 1000 leave together");
        assertEquals(1_301, log.oldestLeavesAtMillis());
        log.expire(1_301);
        assertTrue(log.isEmpty());
        assertThrows(IllegalStateException.class, log::oldestLeavesAtMillis);
    }

    @Test
    void anEventFromAClockThatSteppedBackLeavesWithTheNewestNeverEarlier() {
        log.add(2_000);
        log.add(1_500);
        log.expire(2_299);
        assertEquals(2, log.count(), "the stepped-back event counts as of 2000, the newest time seen");
        log.expire(2_300);
        assertEquals(0, log.count());
    }

    /** Against the obvious model (one entry per event) through many growths, wrap-arounds and shrinks. */
    @Test
    void countsAndOldestMatchADequeOfEveryEventThroughBurstsAndQuietSpells() {
        SplittableRandom random = new SplittableRandom(15);
        Deque<Long> model = new ArrayDeque<>();
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            // bursts of many events per millisecond, then quiet spells where the window drains
            boolean burst = (step / 5_000) % 2 == 0;
            now += burst ? random.nextInt(2) : random.nextInt(50);
            long at = random.nextInt(20) == 0 ? now - random.nextInt(3) : now; // sometimes a stepped-back clock
            long recorded = model.isEmpty() ? at : Math.max(at, model.peekLast());
            model.addLast(recorded);
            log.add(at);
            while (!model.isEmpty() && model.peekFirst() <= now - 300) {
                model.removeFirst();
            }
            log.expire(now);
            assertEquals(model.size(), log.count(), "count at step " + step);
            assertEquals(model.peekFirst() + 300, log.oldestLeavesAtMillis(), "oldest at step " + step);
        }
    }

    @Test
    void theRingGivesItsMemoryBackAfterABurst() {
        for (long ms = 0; ms < 100_000; ms++) {
            log.add(ms);
        }
        assertTrue(log.capacity() >= 100_000);
        log.expire(100_290);
        assertEquals(9, log.count());
        assertEquals(32, log.capacity(), "nine entries left: a ring of twice that, rounded to a power of two, in one step");
    }

    @Test
    void aWindowOrAnInstantBetweenTwoMillisecondsRoundsUpSoNothingLeavesEarly() {
        SlidingWindowLog odd = new SlidingWindowLog(Duration.ofNanos(1_500_000)); // 1.5 ms: counted as 2
        odd.add(SlidingWindowLog.ceilMillis(Instant.ofEpochMilli(10).plusNanos(1))); // 10.000001 ms: counted as 11
        assertEquals(13, odd.oldestLeavesAtMillis());
        assertEquals(10, SlidingWindowLog.ceilMillis(Instant.ofEpochMilli(10)), "a whole millisecond stays as it is");
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowLog(Duration.ZERO));
    }

    @Test
    void thousandsOfEventsInOneMillisecondTakeOneEntry() {
        for (int i = 0; i < 5_000; i++) {
            log.add(42);
        }
        assertEquals(5_000, log.count());
        assertEquals(16, log.capacity());
    }
}
