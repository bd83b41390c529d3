package io.bcgateway.resilience;

import java.time.Clock;
import java.time.Duration;

import io.bcgateway.throttle.SlidingWindowLog;

/**
 * Caps retries at a share of the traffic (as Envoy's and Finagle's retry budgets do): within the window, retries
 * may number at most {@code ratio} times the requests plus a small floor. When BC is failing for everyone, most
 * failures then go back to the callers instead of multiplying the load.
 */
public final class RetryBudget {

    private final double ratio;
    private final int minRetries;
    private final Clock clock;
    /** Kept to the millisecond, without an object per request: every request passes here (SlidingWindowLog's why). */
    private final SlidingWindowLog requests;
    private final SlidingWindowLog retries;
    /** Retries refused for want of budget, since start (a metric: how often the budget protected BC). */
    private long denied;

    public RetryBudget(double ratio, int minRetries, Duration window, Clock clock) {
        if (ratio < 0 || minRetries < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("retry budget needs ratio >= 0, minRetries >= 0 and a positive window");
        }
        this.ratio = ratio;
        this.minRetries = minRetries;
        this.requests = new SlidingWindowLog(window);
        this.retries = new SlidingWindowLog(window);
        this.clock = clock;
    }

    /** Counts one caller request (not its retries). */
    public synchronized void recordRequest() {
        long now = clock.millis();
        prune(now);
        requests.add(now);
    }

    /** Takes one retry from the budget if there is one left. */
    public synchronized boolean tryRetry() {
        long now = clock.millis();
        prune(now);
        if (retries.count() >= minRetries + (long) Math.floor(ratio * requests.count())) {
            denied++;
            return false;
        }
        retries.add(now);
        return true;
    }

    public synchronized int retriesInWindow() {
        prune(clock.millis());
        return (int) retries.count();
    }

    public synchronized long denied() {
        return denied;
    }

    private void prune(long nowMillis) {
        requests.expire(nowMillis);
        retries.expire(nowMillis);
    }
}
