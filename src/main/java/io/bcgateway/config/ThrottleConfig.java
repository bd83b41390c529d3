package io.bcgateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Admission to Business Central per principal, retries, retry budget and circuit breaking. */
@ConfigMapping(prefix = "gateway.throttle")
public interface ThrottleConfig {

    /** Default running-slot limit per principal (BC online: 5 running). */
    @WithDefault("5")
    int maxRunning();

    /** Default requests per sliding window per principal (BC online: 6,000 per 5 minutes). */
    @WithDefault("6000")
    int rateLimit();

    /** Default sliding window. */
    @WithDefault("5m")
    Duration rateWindow();

    /**
     * Requests the gateway holds per principal while waiting for a slot. Callers wait here rather than in BC's
     * own queue (95), so BC's 429s are never reached.
     */
    @WithDefault("1000")
    int maxQueued();

    /**
     * How long a request may wait for admission and retries before the gateway answers 429 with Retry-After.
     * A caller can ask for less or more with the {@code X-Gateway-Deadline} header (seconds, or 500ms, 2m).
     */
    @WithDefault("30s")
    Duration defaultDeadline();

    /** Upper bound for a caller's {@code X-Gateway-Deadline}. */
    @WithDefault("10m")
    Duration maxDeadline();

    /** Retries. */
    Retry retry();

    /** Circuit breaker per connection. */
    Breaker circuitBreaker();

    interface Retry {
        /** Attempts per request, the first included; 1 turns retries off. */
        @WithDefault("4")
        int maxAttempts();

        /** First back-off step when BC gives no Retry-After (full jitter: a random wait up to the step). */
        @WithDefault("500ms")
        Duration backoffBase();

        /** Largest back-off step. */
        @WithDefault("30s")
        Duration backoffMax();

        /** BC's Retry-After is honoured up to this; a longer one is answered to the caller instead. */
        @WithDefault("120s")
        Duration maxRetryAfter();

        /**
         * Retry budget: retries may add at most this share of the requests seen in the budget window, so retries
         * can never multiply load on a struggling BC.
         */
        @WithDefault("0.2")
        double budgetRatio();

        /** Retries always allowed per budget window, so a quiet connection can still retry. */
        @WithDefault("10")
        int budgetMinRetries();

        /** The window over which the retry budget is counted. */
        @WithDefault("10s")
        Duration budgetWindow();
    }

    interface Breaker {
        /** Whether a failing BC opens the circuit (fast 503s instead of piling up). */
        @WithDefault("true")
        boolean enabled();

        /** Attempts in the rolling window before the breaker judges. */
        @WithDefault("20")
        int requestVolumeThreshold();

        /** Share of failed attempts (5xx, timeouts, transport failures) in the window that opens the circuit. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the circuit stays open before half-open probes. */
        @WithDefault("10s")
        Duration delay();

        /** Successful probes needed to close it again. */
        @WithDefault("2")
        int successThreshold();
    }
}
