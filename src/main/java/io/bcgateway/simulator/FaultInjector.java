package io.bcgateway.simulator;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides which admitted BC requests fail on purpose: the next N forced by {@code POST /_sim/faults/force},
 * then a random {@code faultRate} share, plus latency jitter and connection resets in the middle of a
 * collection body. Builds BC-shaped answers for the limits (bc-facts "Limits").
 */
final class FaultInjector {

    /** A forced status and how many more requests get it. */
    record Forced(int status, int remaining) { }

    private static final Forced NONE = new Forced(0, 0);

    private final SimulatorSettings settings;
    private final AtomicReference<Forced> forced = new AtomicReference<>(NONE);
    /** How many more admitted requests run and then lose their answer (the connection closes without one). */
    private final java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();

    FaultInjector(SimulatorSettings settings) {
        this.settings = settings;
    }

    /** The next {@code count} BC requests answer {@code status}, replacing any earlier force. */
    void force(int status, int count) {
        SimulatorSettings.errorStatus("status", status);
        if (count < 0) throw new IllegalArgumentException("count must not be negative, was " + count);
        forced.set(count == 0 ? NONE : new Forced(status, count));
    }

    Forced forced() {
        return forced.get();
    }

    void clear() {
        forced.set(NONE);
        drops.set(0);
    }

    /**
     * The next {@code count} admitted BC requests execute, and then the connection closes without an answer: the
     * client cannot know whether its write happened (bc-facts "Limits": a reset after sending says nothing).
     */
    void dropAfterExecution(int count) {
        if (count < 0) throw new IllegalArgumentException("count must not be negative, was " + count);
        drops.set(count);
    }

    int dropsRemaining() {
        return drops.get();
    }

    /** Whether the current request's answer is to be dropped after it ran (takes one of the forced drops). */
    boolean nextDrop() {
        return drops.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** The status the current request must fail with, or 0 to answer it normally. */
    int nextFault() {
        Forced f = forced.getAndUpdate(c -> c.remaining() <= 1 ? NONE : new Forced(c.status(), c.remaining() - 1));
        if (f.remaining() > 0) return f.status();
        double rate = settings.faultRate();
        if (rate > 0 && ThreadLocalRandom.current().nextDouble() < rate) {
            List<Integer> statuses = settings.faultStatuses();
            return statuses.get(ThreadLocalRandom.current().nextInt(statuses.size()));
        }
        return 0;
    }

    /**
     * Whether a request failing with {@code status} runs against the data first. Never for 429 and 503:
     * at BC those mean "not executed" and clients rely on it to replay POSTs safely.
     */
    boolean executesBefore(int status) {
        return settings.faultsAfterExecution() && status != 429 && status != 503;
    }

    /** {@code latencyMillis} plus a random 0..{@code latencyJitterMillis}. */
    long latency() {
        int jitter = settings.latencyJitterMillis();
        return settings.latencyMillis() + (jitter <= 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
    }

    boolean resetMidBody() {
        double rate = settings.resetMidBodyRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** An injected fault's answer; 429 looks exactly like the limiter's (connections exceeded by one). */
    ODataResponse response(int status, String correlationId) {
        return switch (status) {
            case 429 -> tooManyRequests(new PrincipalLimiter.Rejection(settings.maxConnections() + 1L, settings.maxConnections()), correlationId);
            case 502 -> withRetryAfter(error(502, "BadGateway", "The service is temporarily unavailable. Please try again later.", correlationId));
            case 503 -> withRetryAfter(error(503, "ServiceUnavailable", "The service is temporarily unavailable. Please try again later.", correlationId));
            case 504 -> error(504, "GatewayTimeout", "The request took too long to complete.", correlationId);
            case 500 -> error(500, "Internal_ServerError", "An unexpected error occurred.", correlationId);
            default -> error(status, "Internal_InjectedFault", "Fault injected by the simulator.", correlationId);
        };
    }

    /**
     * BC's 429 body, {@code Too many requests reached.  Actual (101). Maximum (100).} (two spaces, as captured),
     * with {@code Retry-After} only when {@code retryAfterOn429} is set: BC does not document one.
     */
    ODataResponse tooManyRequests(PrincipalLimiter.Rejection r, String correlationId) {
        ODataResponse resp = error(429, "Application_TooManyRequests",
                "Too many requests reached.  Actual (" + r.actual() + "). Maximum (" + r.maximum() + ").", correlationId);
        settings.retryAfterOn429Seconds().ifPresent(s -> resp.header("Retry-After", Integer.toString(s)));
        return resp;
    }

    /** A request that waited longer than {@code queueTimeoutMillis}: 503 with Retry-After, never executed. */
    ODataResponse queueTimeout(String correlationId) {
        return withRetryAfter(error(503, "ServiceUnavailable", "The request waited in the queue for longer than "
                + settings.queueTimeoutMillis() + " ms and was not executed. Please try again later.", correlationId));
    }

    private ODataResponse withRetryAfter(ODataResponse r) {
        return r.header("Retry-After", Integer.toString(settings.retryAfterOn503Seconds()));
    }

    private static ODataResponse error(int status, String code, String message, String correlationId) {
        return ODataService.error(new BcException(status, code, message), correlationId);
    }
}
