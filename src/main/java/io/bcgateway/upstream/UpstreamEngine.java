package io.bcgateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.bcgateway.connection.Connection;
import io.bcgateway.resilience.Backoff;
import io.bcgateway.resilience.RetryGate;
import io.bcgateway.throttle.Timers;
import io.vertx.core.Context;

/**
 * The one place where the gateway calls Business Central. Every call, streamed pass-through or buffered fan-out,
 * goes through the same stages in the same order ({@link UpstreamCall}): admission to a principal, its token, the
 * connection's circuit breaker around one send, then the decision on BC's answer (final, 401 replay, or retry
 * after a pause or back-off, back to admission).
 */
public final class UpstreamEngine {

    final RetryGate retryGate;
    final Backoff backoff;
    final Clock clock;
    final Timers timers;
    final long readTimeoutMillis;

    /**
     * @param timers back-off waits between attempts (Vert.x timers; a fake clock's timers in tests)
     * @param readTimeout how long BC may stay silent once the request is sent
     */
    public UpstreamEngine(RetryGate retryGate, Backoff backoff, Clock clock, Timers timers, Duration readTimeout) {
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("the upstream read timeout must be positive, was " + readTimeout);
        }
        this.retryGate = retryGate;
        this.backoff = backoff;
        this.clock = clock;
        this.timers = timers;
        this.readTimeoutMillis = readTimeout.toMillis();
    }

    /** The deadline of a call that may take {@code budget} from now. */
    public Instant deadline(Duration budget) {
        return clock.instant().plus(budget);
    }

    /**
     * A call, not yet {@linkplain UpstreamCall#start() started}: {@code exchange} hears its outcome on
     * {@code context}, which must be the current context. (Kept apart from starting so the exchange holds the
     * call before any outcome, which can come at once: a full queue, an open circuit.)
     */
    public UpstreamCall call(Context context, Connection connection, UpstreamExchange exchange, Body body,
            Delivery delivery, Instant deadline) {
        return new UpstreamCall(this, context, connection, exchange, body, delivery, deadline);
    }
}
