package io.bcgateway.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.FakeTimers;
import io.bcgateway.testing.MutableClock;
import io.vertx.core.Future;

class AdmissionTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final FakeTimers timers = new FakeTimers(clock);

    /** BC's figures scaled: 5 running, 10 requests per 10 s window, 20 queued. */
    private final Admission admission = new Admission("app-1", 5, 10, Duration.ofSeconds(10), 20, clock, timers);

    private Instant in(Duration d) {
        return clock.instant().plus(d);
    }

    private List<Future<Admission.Permit>> acquire(int n, Duration deadline) {
        List<Future<Admission.Permit>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(admission.acquire(in(deadline)));
        }
        return out;
    }

    private static long admitted(List<Future<Admission.Permit>> fs) {
        return fs.stream().filter(Future::succeeded).count();
    }

    @Test
    void neverMoreThanTheRunningLimitAtOnceAndTheSixthWaitsForARelease() {
        List<Future<Admission.Permit>> fs = acquire(6, Duration.ofSeconds(30));
        assertEquals(5, admitted(fs));
        assertEquals(5, admission.running());
        assertEquals(1, admission.queued());
        fs.get(0).result().release();
        assertTrue(fs.get(5).succeeded(), "the released slot goes to the first waiter");
        assertEquals(5, admission.running());
    }

    @Test
    void releasingTwiceGivesBackOneSlot() {
        List<Future<Admission.Permit>> fs = acquire(5, Duration.ofSeconds(30));
        fs.get(0).result().release();
        fs.get(0).result().release();
        assertEquals(4, admission.running());
    }

    @Test
    void theWindowHoldsBackTheEleventhUntilTheOldestSendLeavesIt() {
        for (int i = 0; i < 10; i++) {
            admission.acquire(in(Duration.ofSeconds(60))).result().release();
            clock.advance(Duration.ofMillis(100));
        }
        // t = 1.0 s; sends at 0.0 .. 0.9 s; the first leaves the window at 10.0 s
        Future<Admission.Permit> eleventh = admission.acquire(in(Duration.ofSeconds(60)));
        assertFalse(eleventh.isComplete());
        timers.advance(Duration.ofMillis(8999));
        assertFalse(eleventh.isComplete(), "still inside the window at 9.999 s");
        timers.advance(Duration.ofMillis(1));
        assertTrue(eleventh.succeeded(), "admitted exactly when the first send left the window");
    }

    @Test
    void aRequestFinishingBetweenTwoMillisecondsLeavesTheWindowAtTheNextOneNeverEarlier() {
        // The window keeps finishing times to the millisecond, rounded up: late by less than a millisecond, not early.
        clock.advance(Duration.ofNanos(400_000));
        for (int i = 0; i < 10; i++) {
            admission.acquire(in(Duration.ofSeconds(60))).result().release();
        }
        Future<Admission.Permit> eleventh = admission.acquire(in(Duration.ofSeconds(60)));
        timers.advance(Duration.ofSeconds(10));
        assertFalse(eleventh.isComplete(), "10 s after 0.4 ms is inside the window still");
        assertEquals(10, admission.sentInWindow());
        timers.advance(Duration.ofNanos(600_000));
        assertTrue(eleventh.succeeded(), "admitted at 10.001 s, the first whole millisecond after the window");
        assertEquals(1, admission.sentInWindow());
    }

    @Test
    void aRequestLeavesTheWindowOnlyAWindowAfterItFinishedNotAfterItWasSent() {
        // BC counts a request when it arrives, which the gateway cannot see; it only knows BC had counted it by the
        // time it answered. So the window is measured from the answer: never early, whatever the transit time.
        Admission.Permit slow = admission.acquire(in(Duration.ofSeconds(60))).result();
        for (int i = 0; i < 9; i++) {
            admission.acquire(in(Duration.ofSeconds(60))).result().release();
        }
        clock.advance(Duration.ofSeconds(3));
        slow.release(); // answered 3 s after it was sent
        timers.advance(Duration.ofSeconds(7));
        List<Future<Admission.Permit>> nine = acquire(9, Duration.ofSeconds(60));
        nine.forEach(f -> f.result().release());
        Future<Admission.Permit> tenth = admission.acquire(in(Duration.ofSeconds(60)));
        assertFalse(tenth.isComplete(), "at 10 s the slow one still counts: it finished at 3 s");
        timers.advance(Duration.ofSeconds(3));
        assertTrue(tenth.succeeded(), "it left the window 10 s after its answer");
    }

    @Test
    void aRequestThatCannotBeSentBeforeItsDeadlineIsRefusedAtOnceWithRetryAfter() {
        for (int i = 0; i < 10; i++) {
            admission.acquire(in(Duration.ofSeconds(60))).result().release();
        }
        Future<Admission.Permit> f = admission.acquire(in(Duration.ofSeconds(3)));
        assertTrue(f.failed(), "the window frees in 10 s, the deadline is 3 s");
        AdmissionRejectedException e = assertInstanceOf(AdmissionRejectedException.class, f.cause());
        assertEquals(Duration.ofSeconds(10), e.retryAfter());
        assertEquals(10, e.retryAfterSeconds());
    }

    @Test
    void aQueuedRequestWhoseDeadlinePassesIsRefused() {
        List<Future<Admission.Permit>> running = acquire(5, Duration.ofSeconds(30));
        Future<Admission.Permit> waiting = admission.acquire(in(Duration.ofSeconds(2)));
        timers.advance(Duration.ofMillis(2001));
        assertInstanceOf(AdmissionRejectedException.class, waiting.cause());
        assertEquals(0, admission.queued());
        running.get(0).result().release();
        assertEquals(4, admission.running(), "the expired waiter took no slot");
    }

    @Test
    void theQueueIsBounded() {
        List<Future<Admission.Permit>> fs = acquire(26, Duration.ofMinutes(5));
        assertEquals(5, admitted(fs));
        assertEquals(20, admission.queued());
        AdmissionRejectedException e = assertInstanceOf(AdmissionRejectedException.class, fs.get(25).cause());
        assertTrue(e.getMessage().contains("queue"), e.getMessage());
    }

    @Test
    void aPauseHoldsEveryoneUntilItEnds() {
        admission.pauseUntil(in(Duration.ofSeconds(5)));
        List<Future<Admission.Permit>> fs = acquire(3, Duration.ofSeconds(30));
        assertEquals(0, admitted(fs));
        timers.advance(Duration.ofMillis(4999));
        assertEquals(0, admitted(fs), "BC sees nothing during the pause");
        timers.advance(Duration.ofMillis(1));
        assertEquals(3, admitted(fs));
    }

    @Test
    void aPauseLongerThanTheDeadlineIsRefusedWithThePauseAsRetryAfter() {
        admission.pauseUntil(in(Duration.ofSeconds(60)));
        AdmissionRejectedException e = assertInstanceOf(AdmissionRejectedException.class,
                admission.acquire(in(Duration.ofSeconds(5))).cause());
        assertEquals(60, e.retryAfterSeconds());
    }

    @Test
    void waitersAreServedInArrivalOrder() {
        List<Future<Admission.Permit>> running = acquire(5, Duration.ofSeconds(30));
        List<Future<Admission.Permit>> waiting = acquire(3, Duration.ofSeconds(30));
        running.get(2).result().release();
        assertTrue(waiting.get(0).succeeded());
        assertFalse(waiting.get(1).isComplete());
        running.get(3).result().release();
        assertTrue(waiting.get(1).succeeded());
        assertFalse(waiting.get(2).isComplete());
    }

    @Test
    void aRequestThatNeverReachedBcFreesItsSlotAndLeavesTheWindowAsItWas() {
        Admission.Permit sent = admission.acquire(in(Duration.ofSeconds(30))).result();
        Admission.Permit unsent = admission.acquire(in(Duration.ofSeconds(30))).result();
        assertEquals(2, admission.sentInWindow(), "both count while they run: either may reach BC");
        unsent.releaseUnsent();
        assertEquals(1, admission.running());
        assertEquals(1, admission.sentInWindow(), "BC never received it, so the window does not count it");
        sent.release();
        assertEquals(0, admission.running());
        assertEquals(1, admission.sentInWindow());
        unsent.release();
        assertEquals(1, admission.sentInWindow(), "a permit is given back once, whichever way");
    }

    @Test
    void unsentRequestsNeverFillTheWindow() {
        for (int i = 0; i < 25; i++) {
            admission.acquire(in(Duration.ofSeconds(1))).result().releaseUnsent();
        }
        assertEquals(0, admission.sentInWindow());
        assertTrue(admission.acquire(in(Duration.ofSeconds(1))).succeeded(), "the 10-request window is untouched");
    }

    @Test
    void constructorRejectsNonsense() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Admission("p", 0, 10, Duration.ofSeconds(1), 1, clock, timers));
        assertTrue(e.getMessage().contains("'p'"));
    }
}
