package io.bcgateway.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The simulator's time: a base clock plus an offset that only grows. Lets a test in another process expire
 * tokens by moving the simulator's time ({@code POST /_sim/clock/advance}) instead of sleeping.
 */
final class AdjustableClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    AdjustableClock(Clock base) {
        this.base = base;
    }

    synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("The simulator's clock only moves forward");
        }
        offset = offset.plus(d);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
