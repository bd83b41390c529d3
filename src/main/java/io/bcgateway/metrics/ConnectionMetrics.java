package io.bcgateway.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.bcgateway.connection.Principal;
import io.bcgateway.resilience.RetryPolicy;
import io.bcgateway.status.EventLog;
import io.bcgateway.status.History;
import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;

/**
 * The meters of one connection, created once and looked up by array index on the hot path: recording a request
 * costs a few counter increments and no allocation. Methods are one-liners for the call sites in the proxy, the
 * fan-out client and the token cache.
 */
public final class ConnectionMetrics {

    /** Where a caller's answer came from; a small fixed set, so it can be a label. */
    public enum Outcome {
        /** Business Central's own answer, relayed (whatever its status). */
        BC,
        /** The gateway's 429: BC's limits left no room before the request's deadline. */
        THROTTLED,
        /** The gateway's 503: the connection's circuit is open. */
        CIRCUIT_OPEN,
        /** No token: Entra ID refused the credentials or could not be reached. */
        TOKEN_FAILURE,
        /** BC could not be reached, timed out or broke off. */
        UPSTREAM_FAILURE,
        /** The caller hung up, or the answer broke off mid-body. */
        ABORTED;

        final String label = name().toLowerCase(java.util.Locale.ROOT);

        /** The outcome of a request that failed with {@code failure} before BC's answer was relayed. */
        public static Outcome of(Throwable failure) {
            if (failure instanceof AdmissionRejectedException) {
                return THROTTLED;
            }
            if (failure instanceof CircuitBreakerOpenException) {
                return CIRCUIT_OPEN;
            }
            if (failure instanceof TokenException) {
                return TOKEN_FAILURE;
            }
            return UPSTREAM_FAILURE;
        }
    }

    /** Why a request was sent again. */
    public enum RetryReason {
        /** BC answered 429 (or its throttling 503): not executed, safe to replay. */
        THROTTLED,
        /** The connection to BC could not be opened: nothing was sent. */
        NOT_SENT,
        /** 5xx, timeout or reset after sending, for a request that is safe to repeat. */
        UPSTREAM_ERROR,
        /** BC refused the token (401): one fresh token, one replay. */
        TOKEN_REJECTED;

        final String label = name().toLowerCase(java.util.Locale.ROOT);

        /** The reason for a retry the {@link RetryPolicy} allowed after this outcome. */
        public static RetryReason of(RetryPolicy.Outcome outcome) {
            return switch (outcome) {
                case NOT_EXECUTED -> THROTTLED;
                case NOT_SENT -> NOT_SENT;
                default -> UPSTREAM_ERROR;
            };
        }
    }

    private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.PATCH, HttpMethod.DELETE};
    /** Status classes 1xx..5xx at 1..5; 0 = no status (the answer never completed). */
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final GatewayMetrics owner;
    private final String connection;
    private final Principal[] principals;
    private final String[] principalNames;
    /** requests[method][outcome][statusClass], created on first use (most combinations never happen). */
    private final Counter[][][] requests = new Counter[METHODS.length + 1][Outcome.values().length][STATUS_CLASSES.length];
    private final Timer[] requestDuration = new Timer[Outcome.values().length];
    private final Timer[] upstreamDuration = new Timer[STATUS_CLASSES.length];
    private final Counter[] retries = new Counter[RetryReason.values().length];
    private final Counter requestBytes;
    private final Counter responseBytes;
    private final Counter targetFailures;
    private final Timer[] admissionWait;
    private final Counter[] gateway429;
    private final Counter[] bc429;
    final Counter[] transitions = new Counter[3];
    private volatile BcError lastBcError;
    private final EventLog events;
    private final History.Connection history;

    /**
     * The last error Business Central answered on this connection, for the status page.
     *
     * @param status BC's HTTP status
     * @param code BC's {@code error.code} when its body was read (429 and 5xx), else null
     * @param requestId BC's {@code request-id} header (the correlation id BC support asks for), or null
     * @param at when the gateway saw it
     */
    public record BcError(int status, String code, String requestId, java.time.Instant at) {
    }

    ConnectionMetrics(GatewayMetrics owner, String connection, List<Principal> principals, List<String> names) {
        this.owner = owner;
        this.connection = connection;
        this.events = owner.events;
        this.history = owner.history.forConnection(connection);
        this.principals = principals.toArray(Principal[]::new);
        this.principalNames = names.toArray(String[]::new);
        MeterRegistry r = owner.registry();
        for (Outcome o : Outcome.values()) {
            requestDuration[o.ordinal()] = Timer.builder("bc.gateway.request.duration")
                    .description("End-to-end time of pass-through requests, from arrival to the end of the answer")
                    .tags("connection", connection, "outcome", o.label)
                    .serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(r);
        }
        for (int c = 0; c < STATUS_CLASSES.length; c++) {
            upstreamDuration[c] = Timer.builder("bc.gateway.upstream.duration")
                    .description("Time of each attempt at Business Central until its answer's headers (none: no answer)")
                    .tags("connection", connection, "status_class", STATUS_CLASSES[c])
                    .serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(r);
        }
        for (RetryReason reason : RetryReason.values()) {
            retries[reason.ordinal()] = Counter.builder("bc.gateway.retries")
                    .description("Requests sent to Business Central again, by reason")
                    .tags("connection", connection, "reason", reason.label).register(r);
        }
        requestBytes = Counter.builder("bc.gateway.request.bytes").baseUnit("bytes")
                .description("Request body bytes received from callers").tag("connection", connection).register(r);
        responseBytes = Counter.builder("bc.gateway.response.bytes").baseUnit("bytes")
                .description("Response bytes streamed to callers").tag("connection", connection).register(r);
        targetFailures = Counter.builder("bc.gateway.fanout.target.failures")
                .description("Fan-out targets (companies, connections) that failed").tag("connection", connection)
                .register(r);
        admissionWait = new Timer[this.principals.length];
        gateway429 = new Counter[this.principals.length];
        bc429 = new Counter[this.principals.length];
        for (int i = 0; i < this.principals.length; i++) {
            String p = principalNames[i];
            admissionWait[i] = Timer.builder("bc.gateway.admission.wait")
                    .description("Time a request waited for a running slot, the window and any pause")
                    .tags("connection", connection, "principal", p)
                    .serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(r);
            gateway429[i] = throttled(r, p, "gateway");
            bc429[i] = throttled(r, p, "bc");
        }
    }

    private Counter throttled(MeterRegistry r, String principal, String source) {
        return Counter.builder("bc.gateway.throttled")
                .description("429s: issued by the gateway (BC never saw the request) or by Business Central")
                .tags("connection", connection, "principal", principal, "source", source).register(r);
    }

    /** The gateway's spans (no-ops while tracing is off). */
    public Spans spans() {
        return owner.spans();
    }

    /** The connection's name, for span attributes. */
    public String connection() {
        return connection;
    }

    /** The principal's configured name, e.g. {@code contoso} or {@code contoso/app2}. */
    public String principalName(Principal p) {
        return principalNames[index(p)];
    }

    private int index(Principal p) {
        for (int i = 0; i < principals.length; i++) {
            if (principals[i] == p) {
                return i;
            }
        }
        return 0;
    }

    /**
     * One pass-through request answered. {@code failure} is what the gateway answered for instead of BC, or null
     * when BC's answer was relayed; {@code status} 0 means the answer never completed.
     */
    public void requestEnded(HttpMethod method, int status, Throwable failure, long startNanos, long bytesIn,
            long bytesOut) {
        Outcome outcome = status == 0 ? Outcome.ABORTED : failure == null ? Outcome.BC : Outcome.of(failure);
        int m = methodIndex(method);
        int c = statusClass(status);
        Counter counter = requests[m][outcome.ordinal()][c];
        if (counter == null) {
            counter = requestCounter(m, outcome, c);
        }
        counter.increment();
        long nanos = System.nanoTime() - startNanos;
        requestDuration[outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
        history.requestEnded(nanos);
        if (bytesIn > 0) {
            requestBytes.increment(bytesIn);
        }
        if (bytesOut > 0) {
            responseBytes.increment(bytesOut);
        }
    }

    private synchronized Counter requestCounter(int m, Outcome outcome, int c) {
        Counter counter = requests[m][outcome.ordinal()][c];
        if (counter == null) {
            // Micrometer returns the registered meter if another thread won the race; the array only caches it.
            counter = Counter.builder("bc.gateway.requests")
                    .description("Pass-through requests by method, outcome and status class")
                    .tags("connection", connection, "method", m < METHODS.length ? METHODS[m].name() : "OTHER",
                            "outcome", outcome.label, "status_class", STATUS_CLASSES[c])
                    .register(owner.registry());
            requests[m][outcome.ordinal()][c] = counter;
        }
        return counter;
    }

    /**
     * One attempt at BC ended: {@code status} of its answer, 0 when no answer came (transport failure), negative
     * when nothing was sent.
     */
    public void upstreamAttempt(long startNanos, int status) {
        if (status < 0) {
            return; // nothing was sent (open circuit)
        }
        upstreamDuration[statusClass(status)].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** A request got (or gave up on) a slot of {@code principal} after waiting since {@code startNanos}. */
    public void admissionWaited(Principal principal, long startNanos) {
        admissionWait[index(principal)].record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /** The gateway refused a request with its own 429 (admission). */
    public void gatewayThrottled(Principal principal) {
        int i = index(principal);
        gateway429[i].increment();
        events.gatewayThrottled(connection, principalNames[i]);
    }

    /** Business Central answered 429 or its throttling 503 for {@code principal}. */
    public void bcThrottled(Principal principal) {
        bcThrottled(principal, 429, null);
    }

    /**
     * Business Central answered {@code status} (429, or its throttling 503) for {@code principal} with this
     * {@code Retry-After} header value (null when absent), shown on the status page.
     */
    public void bcThrottled(Principal principal, int status, String retryAfter) {
        int i = index(principal);
        bc429[i].increment();
        history.bcThrottled();
        events.bcThrottled(connection, principalNames[i], status, retryAfter);
    }

    public void retried(RetryReason reason) {
        retries[reason.ordinal()].increment();
        events.retried(connection, reason.label);
    }

    /** BC answered {@code status} (an error); kept as the connection's last BC error for the status page. */
    public void bcError(int status, String code, String requestId) {
        lastBcError = new BcError(status, code, requestId, owner.now());
    }

    /** The last error BC answered on this connection, or null. */
    public BcError lastBcError() {
        return lastBcError;
    }

    /** A fan-out target of this connection failed (the fan-out went on without it). */
    public void fanoutTargetFailed() {
        targetFailures.increment();
    }

    private static int methodIndex(HttpMethod method) {
        for (int i = 0; i < METHODS.length; i++) {
            if (METHODS[i] == method) {
                return i;
            }
        }
        return METHODS.length;
    }

    private static int statusClass(int status) {
        return status >= 100 && status < 600 ? status / 100 : 0;
    }
}
