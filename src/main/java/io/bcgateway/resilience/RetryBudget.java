package io.bcgateway.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Caps retries at a share of the traffic (as Envoy's and Finagle's retry budgets do): within the window, retries
 * may number at most {@code ratio} times the requests plus a small floor. When BC is failing for everyone, most
 * failures then go back to the callers instead of multiplying the load.
 */
public final class RetryBudget {

    private final double ratio;
    private final int minRetries;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> requests = new ArrayDeque<>();
    private final Deque<Instant> retries = new ArrayDeque<>();
    /** Retries refused for want of budget, since start (a metric: how often the budget protected BC). */
    private long denied;

    public RetryBudget(double ratio, int minRetries, Duration window, Clock clock) {
        if (ratio < 0 || minRetries < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("retry budget needs ratio >= 0, minRetries >= 0 and a positive window");
        }
        this.ratio = ratio;
        this.minRetries = minRetries;
        this.window = window;
        this.clock = clock;
    }

    /** Counts one caller request (not its retries). */
    public synchronized void recordRequest() {
        Instant now = clock.instant();
        prune(now);
        requests.addLast(now);
    }

    /** Takes one retry from the budget if there is one left. */
    public synchronized boolean tryRetry() {
        Instant now = clock.instant();
        prune(now);
        if (retries.size() >= minRetries + (long) Math.floor(ratio * requests.size())) {
            denied++;
            return false;
        }
        retries.addLast(now);
        return true;
    }

    public synchronized int retriesInWindow() {
        prune(clock.instant());
        return retries.size();
    }

    public synchronized long denied() {
        return denied;
    }

    private void prune(Instant now) {
        Instant horizon = now.minus(window);
        while (!requests.isEmpty() && !requests.peekFirst().isAfter(horizon)) {
            requests.removeFirst();
        }
        while (!retries.isEmpty() && !retries.peekFirst().isAfter(horizon)) {
            retries.removeFirst();
        }
    }
}
