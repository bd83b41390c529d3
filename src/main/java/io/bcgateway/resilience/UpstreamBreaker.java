package io.bcgateway.resilience;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import io.bcgateway.config.ThrottleConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * The circuit breaker of one connection (SmallRye Fault Tolerance, named {@code bc-<connection>} so its state is
 * visible through {@link CircuitBreakerMaintenance}).
 *
 * <p>Only {@link BcFailureException} counts as a failure: the attempt completes with it for 5xx answers (except
 * BC's throttling 503), timeouts and transport failures. 4xx answers, 429s and throttling are healthy BC
 * behaviour and count as successes. When the circuit is open, calls fail at once with SmallRye's
 * {@code CircuitBreakerOpenException} and nothing is sent.
 */
public final class UpstreamBreaker {

    private final String name;
    private final TypedGuard<CompletionStage<Object>> guard;
    private final Duration delay;

    public UpstreamBreaker(String connection, ThrottleConfig.Breaker config) {
        this.name = "bc-" + connection;
        this.delay = config.delay();
        this.guard = config.enabled()
                ? TypedGuard.create(new TypeLiteral<CompletionStage<Object>>() {
                })
                        .withCircuitBreaker()
                        .name(name)
                        .requestVolumeThreshold(config.requestVolumeThreshold())
                        .failureRatio(config.failureRatio())
                        .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                        .successThreshold(config.successThreshold())
                        .failOn(BcFailureException.class)
                        .done()
                        // The attempt is non-blocking and already on the caller's event loop: run it right there
                        // instead of handing it to SmallRye's executor (a task hop and a context snapshot per call).
                        // SmallRye still queues the attempt and its completion on the remembered event loop. Running
                        // them in place (withThreadOffload(true) with a direct executor) allocates ~0.8 KB less per
                        // request but cost 10-40 % more CPU per request in interleaved runs (issue #15,
                        // docs/benchmarks.md), so the hops stay.
                        .withThreadOffload(false)
                        .build()
                : null;
    }

    /**
     * Runs one attempt through the breaker. The attempt is passed to SmallRye as it is (the engine's call object is
     * its own supplier), so going through the breaker allocates nothing of the gateway's own per attempt.
     */
    public CompletionStage<Object> run(Supplier<CompletionStage<Object>> attempt) {
        if (guard == null) {
            return attempt.get();
        }
        try {
            return guard.get(attempt);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** How long an open circuit stays open: the Retry-After the gateway gives callers meanwhile. */
    public Duration delay() {
        return delay;
    }

    /** False when {@code gateway.throttle.circuit-breaker.enabled=false}: calls go straight through, never open. */
    public boolean enabled() {
        return guard != null;
    }

    public CircuitBreakerState state() {
        return guard == null ? CircuitBreakerState.CLOSED : CircuitBreakerMaintenance.get().currentState(name);
    }
}
