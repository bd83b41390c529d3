package io.bcgateway.resilience;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.bcgateway.config.ThrottleConfig;

/** The back-off and retry decision shared by the pass-through and the gateway's own calls (fan-out, batches). */
public class ResilienceProducers {

    @Produces
    @Singleton
    Backoff backoff(ThrottleConfig throttle) {
        return new Backoff(throttle.retry().backoffBase(), throttle.retry().backoffMax(),
                bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    @Produces
    @Singleton
    RetryGate retryGate(ThrottleConfig throttle, Clock clock) {
        return new RetryGate(throttle.retry(), clock);
    }
}
