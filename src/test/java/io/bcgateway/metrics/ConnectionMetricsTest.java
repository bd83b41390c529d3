package io.bcgateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.Principal;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.RetryPolicy;
import io.bcgateway.resilience.UpstreamBreaker;
import io.bcgateway.testing.FakeTimers;
import io.bcgateway.testing.MutableClock;
import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;
import io.bcgateway.token.TokenFetcher;
import io.bcgateway.token.TokenSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

/** Outcome and status-class mapping, label sets and gauges of one connection's meters, on a plain registry. */
class ConnectionMetricsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, clock, null, null, true);
    private final TokenSource tokens = new TokenSource("c", metrics.timed("c", "c",
            () -> Future.succeededFuture(new TokenFetcher.Fetched("eyJ.secret.token", Duration.ofHours(1)))), clock,
            Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
    private final Principal principal = new Principal("client", tokens,
            new Admission("c", 5, 10, Duration.ofSeconds(10), 20, clock, new FakeTimers(clock)));
    private final ConnectionMetrics m = metrics.forConnection("c", List.of(principal), List.of("c"),
            new RetryBudget(0.2, 10, Duration.ofSeconds(10), clock), new UpstreamBreaker("c", new Off()));

    private double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counter() != null ? search.counter().count() : search.timer() != null ? search.timer().count() : -1;
    }

    @Test
    void eachRequestCountsOnceUnderItsOutcomeAndStatusClass() {
        long t = System.nanoTime();
        m.requestEnded(HttpMethod.GET, 200, null, t, 0, 100);
        m.requestEnded(HttpMethod.POST, 429, new AdmissionRejectedException("full", Duration.ofSeconds(1)), t, 10, 0);
        m.requestEnded(HttpMethod.GET, 503, new CircuitBreakerOpenException("open"), t, 0, 0);
        m.requestEnded(HttpMethod.GET, 502, new TokenException(TokenException.Kind.REJECTED, 401, "AADSTS7000215",
                "invalid_client", "refused"), t, 0, 0);
        m.requestEnded(HttpMethod.GET, 504, new TimeoutException(), t, 0, 0);
        m.requestEnded(HttpMethod.DELETE, 0, null, t, 0, 0);
        m.requestEnded(HttpMethod.OPTIONS, 404, null, t, 0, 0);

        assertEquals(1, count("bc.gateway.requests", "method", "GET", "outcome", "bc", "status_class", "2xx"));
        assertEquals(1, count("bc.gateway.requests", "method", "POST", "outcome", "throttled", "status_class", "4xx"));
        assertEquals(1, count("bc.gateway.requests", "outcome", "circuit_open", "status_class", "5xx"));
        assertEquals(1, count("bc.gateway.requests", "outcome", "token_failure", "status_class", "5xx"));
        assertEquals(1, count("bc.gateway.requests", "outcome", "upstream_failure", "status_class", "5xx"));
        assertEquals(1, count("bc.gateway.requests", "method", "DELETE", "outcome", "aborted", "status_class", "none"));
        assertEquals(1, count("bc.gateway.requests", "method", "OTHER", "outcome", "bc", "status_class", "4xx"));
        assertEquals(7, registry.find("bc.gateway.requests").counters().stream().mapToDouble(c -> c.count()).sum());
        assertEquals(7, registry.find("bc.gateway.request.duration").timers().stream().mapToLong(x -> x.count()).sum());
        assertEquals(100, count("bc.gateway.response.bytes"));
        assertEquals(10, count("bc.gateway.request.bytes"));
    }

    @Test
    void attemptsWithNothingSentAreNotTimedAndRetriesCountByReason() {
        long t = System.nanoTime();
        m.upstreamAttempt(t, -1);
        m.upstreamAttempt(t, 0);
        m.upstreamAttempt(t, 429);
        assertEquals(1, count("bc.gateway.upstream.duration", "status_class", "none"));
        assertEquals(1, count("bc.gateway.upstream.duration", "status_class", "4xx"));
        assertEquals(2, registry.find("bc.gateway.upstream.duration").timers().stream().mapToLong(x -> x.count()).sum());

        m.retried(ConnectionMetrics.RetryReason.of(RetryPolicy.Outcome.NOT_EXECUTED));
        m.retried(ConnectionMetrics.RetryReason.of(RetryPolicy.Outcome.NOT_SENT));
        m.retried(ConnectionMetrics.RetryReason.of(RetryPolicy.Outcome.UNKNOWN));
        for (String reason : List.of("throttled", "not_sent", "upstream_error")) {
            assertEquals(1, count("bc.gateway.retries", "reason", reason), reason);
        }
        m.bcThrottled(principal);
        m.gatewayThrottled(principal);
        m.gatewayThrottled(principal);
        assertEquals(1, count("bc.gateway.throttled", "principal", "c", "source", "bc"));
        assertEquals(2, count("bc.gateway.throttled", "principal", "c", "source", "gateway"));
    }

    @Test
    void tokenGaugesFollowTheCacheAndTokenRequestsAreCounted() {
        assertTrue(Double.isNaN(registry.get("bc.gateway.token.expiry.seconds").gauge().value()), "no token yet");
        assertEquals(0, registry.get("bc.gateway.token.usable").gauge().value());
        tokens.token();
        assertEquals(3600, registry.get("bc.gateway.token.expiry.seconds").gauge().value());
        assertEquals(1, registry.get("bc.gateway.token.usable").gauge().value());
        assertEquals(1, count("bc.gateway.token.requests", "outcome", "acquired"));
        clock.advance(Duration.ofMinutes(10));
        assertEquals(3000, registry.get("bc.gateway.token.expiry.seconds").gauge().value());
        assertEquals(1, registry.get("bc.gateway.circuit.state").tag("state", "closed").gauge().value());
        assertEquals(0, registry.get("bc.gateway.circuit.state").tag("state", "open").gauge().value());
    }

    /** A disabled breaker: always closed. */
    private static final class Off implements ThrottleConfig.Breaker {
        public boolean enabled() {
            return false;
        }

        public int requestVolumeThreshold() {
            return 20;
        }

        public double failureRatio() {
            return 0.5;
        }

        public Duration delay() {
            return Duration.ofSeconds(10);
        }

        public int successThreshold() {
            return 2;
        }
    }
}
