package io.bcgateway.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time plus an offset a test can push forward: the gateway under end-to-end test keeps working in real time
 * (admission windows, deadlines), while a test can still jump an hour ahead to expire tokens.
 */
public final class ShiftableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    public synchronized void advance(Duration d) {
        offset = offset.plus(d);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
