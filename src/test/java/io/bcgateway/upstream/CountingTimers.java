package io.bcgateway.upstream;

import java.time.Duration;

import io.bcgateway.testing.FakeTimers;
import io.bcgateway.testing.MutableClock;
import io.bcgateway.throttle.Timers;

/**
 * {@link FakeTimers} that also count what was scheduled, so a test can wait until the engine (on its event loop,
 * after real I/O) has arranged its back-off or the admission its wake-up, and only then move the clock.
 */
final class CountingTimers implements Timers {

    private final FakeTimers timers;
    private int scheduled;

    CountingTimers(MutableClock clock) {
        this.timers = new FakeTimers(clock);
    }

    @Override
    public long schedule(Duration delay, Runnable task) {
        long id = timers.schedule(delay, task);
        synchronized (this) {
            scheduled++;
            notifyAll();
        }
        return id;
    }

    @Override
    public void cancel(long handle) {
        timers.cancel(handle);
    }

    /** Waits (at most 10 s of real time, for the I/O before it) until {@code count} timers were scheduled in all. */
    synchronized void awaitScheduled(int count) throws InterruptedException {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (scheduled < count) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " timers to be scheduled, saw " + scheduled);
            }
            wait(left / 1_000_000 + 1);
        }
    }

    synchronized int scheduled() {
        return scheduled;
    }

    void advance(Duration d) {
        timers.advance(d);
    }
}
