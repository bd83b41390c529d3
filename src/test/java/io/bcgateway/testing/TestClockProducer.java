package io.bcgateway.testing;

import java.time.Clock;
import java.time.Instant;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** In tests the gateway's clock moves only when a test moves it (token expiry, back-off). */
public class TestClockProducer {

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Clock clock() {
        return new MutableClock(Instant.now());
    }
}
