package io.bcgateway.metrics;

import io.bcgateway.status.EventLog;
import io.bcgateway.token.TokenException;
import io.bcgateway.token.TokenFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;

/**
 * Wraps a principal's token request to count it by outcome and time it; the token itself is never looked at.
 * Token requests are rare (one an hour per principal when healthy), so this sits off the hot path.
 */
final class TimedTokenFetcher implements TokenFetcher {

    private final TokenFetcher delegate;
    private final Counter acquired;
    private final Counter rejected;
    private final Counter unavailable;
    private final Timer duration;
    private final EventLog events;
    private final String connection;
    private final String principal;

    TimedTokenFetcher(MeterRegistry registry, String connection, String principal, TokenFetcher delegate,
            EventLog events) {
        this.delegate = delegate;
        this.events = events;
        this.connection = connection;
        this.principal = principal;
        this.acquired = requests(registry, connection, principal, "acquired");
        this.rejected = requests(registry, connection, principal, "rejected");
        this.unavailable = requests(registry, connection, principal, "unavailable");
        this.duration = Timer.builder("bc.gateway.token.request.duration")
                .description("Time of token requests to Entra ID (first acquisitions and refreshes)")
                .tags("connection", connection, "principal", principal)
                .serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(registry);
    }

    private static Counter requests(MeterRegistry registry, String connection, String principal, String outcome) {
        return Counter.builder("bc.gateway.token.requests")
                .description("Token requests to Entra ID: acquired, rejected (credentials refused), unavailable")
                .tags("connection", connection, "principal", principal, "outcome", outcome).register(registry);
    }

    @Override
    public Future<Fetched> fetch() {
        Timer.Sample sample = Timer.start();
        Future<Fetched> request;
        try {
            request = delegate.fetch();
        } catch (RuntimeException e) {
            request = Future.failedFuture(e);
        }
        return request.onComplete(ar -> {
            sample.stop(duration);
            if (ar.succeeded()) {
                acquired.increment();
                events.tokenAcquired(connection, principal);
                return;
            }
            if (ar.cause() instanceof TokenException te && te.kind() == TokenException.Kind.REJECTED) {
                rejected.increment();
            } else {
                unavailable.increment();
            }
            TokenException te = ar.cause() instanceof TokenException t ? t : null;
            events.tokenFailed(connection, principal, te == null ? null : te.aadstsCode().orElse(null),
                    te == null ? ar.cause().getClass().getSimpleName() : te.entraError().orElse(null));
        });
    }
}
