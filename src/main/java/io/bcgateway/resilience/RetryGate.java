package io.bcgateway.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.bcgateway.config.ThrottleConfig;
import io.vertx.core.http.HttpMethod;

/**
 * The one decision whether a failed attempt is sent again: the {@link RetryPolicy} allows it for this method, the
 * attempt limit is not reached, the wait is one the gateway honours and ends before the caller's deadline, and
 * the connection's {@link RetryBudget} has a retry left (taken only when everything else says yes).
 */
public final class RetryGate {

    private final ThrottleConfig.Retry retry;
    private final Clock clock;

    public RetryGate(ThrottleConfig.Retry retry, Clock clock) {
        this.retry = retry;
        this.clock = clock;
    }

    public boolean allows(RetryPolicy.Outcome outcome, HttpMethod method, String ifMatch, int attemptsMade,
            Duration wait, Instant deadline, RetryBudget budget) {
        return RetryPolicy.mayRetry(outcome, method, ifMatch)
                && attemptsMade < retry.maxAttempts()
                && wait.compareTo(retry.maxRetryAfter()) <= 0
                && clock.instant().plus(wait).isBefore(deadline)
                && budget.tryRetry();
    }

    /** Whether BC's Retry-After (or our back-off) is short enough to pause the principal for. */
    public boolean honours(Duration pause) {
        return pause.compareTo(retry.maxRetryAfter()) <= 0;
    }
}
