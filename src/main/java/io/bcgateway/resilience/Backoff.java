package io.bcgateway.resilience;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential back-off with full jitter (a uniformly random wait between zero and the step), so that many callers
 * who failed together do not come back together.
 */
public final class Backoff {

    private final Duration base;
    private final Duration max;
    /** Given a bound n (> 0), a random number in [0, n). Injected so tests get exact values. */
    private final LongUnaryOperator random;

    public Backoff(Duration base, Duration max, LongUnaryOperator random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < base <= max (base " + base + ", max " + max + ")");
        }
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /** The cap for retry number {@code retry} (1 = first retry): base, 2 base, 4 base, ... up to max. */
    public Duration step(int retry) {
        Duration d = base;
        for (int i = 1; i < retry && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    /** The wait before retry number {@code retry}: uniformly random in [0, step]. */
    public Duration delay(int retry) {
        long bound = step(retry).toMillis() + 1;
        return Duration.ofMillis(random.applyAsLong(bound));
    }
}
