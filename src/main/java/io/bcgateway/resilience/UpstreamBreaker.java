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
import io.vertx.core.Context;
import io.vertx.core.Vertx;

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
                        // The attempt is non-blocking and must start on the caller's event loop, as a task of its
                        // own: letting the loop finish the batch of requests it is reading before any goes upstream
                        // measured cheaper than running it in place (issue #15, docs/benchmarks.md). SmallRye's own
                        // way there (withThreadOffload(false): it "remembers" the event loop) wraps each of its two
                        // tasks in a context-propagation snapshot of every provider (CDI, OpenTelemetry, ...), which
                        // the hop does not need: the task runs on the same Vert.x context, where Quarkus keeps the
                        // request's CDI and OpenTelemetry contexts anyway. So the attempt is handed over by an
                        // executor of the gateway's (SmallRye's supported offload executor), and the call hands the
                        // completion back itself (UpstreamCall#accept).
                        .withThreadOffload(true)
                        .withThreadOffloadExecutor(UpstreamBreaker::onCallersContext)
                        .build()
                : null;
    }

    /**
     * Runs {@code task} on the current Vert.x context as a new task (its event loop, or its worker for a worker
     * context), without a context snapshot; off Vert.x, in place. SmallRye calls this on the thread that called
     * {@link #run}, so "current" is the caller's context.
     */
    static void onCallersContext(Runnable task) {
        Context context = Vertx.currentContext();
        if (context == null) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /**
     * Runs one attempt through the breaker. With the breaker on, the attempt starts in a new task on the caller's
     * context (see {@link #onCallersContext}); an open circuit fails at once, without one. The attempt is passed to
     * SmallRye as it is (the engine's call object is its own supplier), so going through the breaker allocates
     * nothing of the gateway's own per attempt but that task.
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
