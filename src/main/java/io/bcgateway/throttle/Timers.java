package io.bcgateway.throttle;

import java.time.Duration;

/** Schedules wake-ups; Vert.x timers in the gateway, a fake driven by a movable clock in tests. */
public interface Timers {

    /** Runs {@code task} once after {@code delay}; returns a handle for {@link #cancel}. */
    long schedule(Duration delay, Runnable task);

    void cancel(long handle);
}
