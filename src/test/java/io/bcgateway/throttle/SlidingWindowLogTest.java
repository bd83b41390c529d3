package io.bcgateway.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SlidingWindowLogTest {

    private final SlidingWindowLog log = new SlidingWindowLog();

    @Test
    void eventsLeaveWhenTheHorizonReachesTheirMillisecondAndNotBefore() {
        log.add(1_000);
        log.add(1_000);
        log.add(1_001);
        log.removeUpTo(999);
        assertEquals(3, log.count());
        log.removeUpTo(1_000);
        assertEquals(1, log.count(), "both events of millisecond 1000 leave together");
        assertEquals(1_001, log.oldestMillis());
        log.removeUpTo(1_001);
        assertTrue(log.isEmpty());
        assertThrows(IllegalStateException.class, log::oldestMillis);
    }

    @Test
    void anEventFromAClockThatSteppedBackLeavesWithTheNewestNeverEarlier() {
        log.add(2_000);
        log.add(1_500);
        log.removeUpTo(1_999);
        assertEquals(2, log.count(), "the stepped-back event counts as of 2000, the newest time seen");
        log.removeUpTo(2_000);
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
            long horizon = now - 300;
            while (!model.isEmpty() && model.peekFirst() <= horizon) {
                model.removeFirst();
            }
            log.removeUpTo(horizon);
            assertEquals(model.size(), log.count(), "count at step " + step);
            assertEquals(model.peekFirst(), log.oldestMillis(), "oldest at step " + step);
        }
    }

    @Test
    void theRingGivesItsMemoryBackAfterABurst() {
        for (long ms = 0; ms < 100_000; ms++) {
            log.add(ms);
        }
        assertTrue(log.capacity() >= 100_000);
        log.removeUpTo(99_990);
        assertEquals(9, log.count());
        assertEquals(32, log.capacity(), "nine entries left: a ring of twice that, rounded to a power of two, in one step");
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
