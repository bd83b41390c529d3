package io.bcgateway.upstream;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.bcgateway.config.GatewayConfig;
import io.bcgateway.resilience.Backoff;
import io.bcgateway.resilience.RetryGate;
import io.bcgateway.throttle.VertxTimers;
import io.vertx.core.Vertx;

/** The gateway's one {@link UpstreamEngine}, shared by the pass-through and the fan-out. */
public class UpstreamProducers {

    @Produces
    @Singleton
    UpstreamEngine engine(RetryGate retryGate, Backoff backoff, Clock clock, Vertx vertx, GatewayConfig config) {
        return new UpstreamEngine(retryGate, backoff, clock, new VertxTimers(vertx), config.upstream().readTimeout());
    }
}
