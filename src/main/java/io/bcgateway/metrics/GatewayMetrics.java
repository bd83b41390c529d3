package io.bcgateway.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.bcgateway.cluster.ClusterQuotas;
import io.bcgateway.connection.Principal;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.UpstreamBreaker;
import io.bcgateway.status.EventLog;
import io.bcgateway.status.History;
import io.bcgateway.token.TokenFetcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * The gateway's own meters, published by Micrometer at {@code /q/metrics} (Prometheus format). Every meter is
 * created once, when a connection is built, and cached in its {@link ConnectionMetrics}: labels are the configured
 * connection name, the principal's configured name ({@code contoso}, {@code contoso/app2}) and small fixed sets
 * (method, status class, outcome, reason). No request path, record id, client id or token ever becomes a label, so
 * the number of series is bounded by the configuration.
 *
 * <p>State that already lives in the gateway (queue depth, running requests, window use, token expiry, circuit
 * state, retry budget) is read by gauges at scrape time, so the hot path pays nothing for it.
 */
@Singleton
public class GatewayMetrics {

    /** Latency buckets: BC answers in tens of milliseconds to minutes; the gateway's own refusals in microseconds. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final Spans spans;
    private final DistributionSummary fanoutTargets;
    private final Counter fanoutsComplete;
    private final Counter fanoutsPartial;
    private final Counter fanoutsFailed;
    /** The status page's event log and chart history, fed from the same call sites as the meters. */
    final EventLog events;
    final History history;

    /**
     * The tracer and OpenTelemetry are looked up only when tracing is on: asking for them makes the OpenTelemetry
     * extension build its SDK (a no-op one while {@code quarkus.otel.sdk.disabled=true}, which still loads some 200
     * classes and costs start time; issue 14: nothing runs for a feature the configuration does not use).
     */
    @Inject
    public GatewayMetrics(MeterRegistry registry, Clock clock, Instance<Tracer> tracer, Instance<OpenTelemetry> otel,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingOff,
            ClusterQuotas cluster, EventLog events, History history) {
        this(registry, clock, tracingOff ? null : tracer.get(), tracingOff ? null : otel.get(), tracingOff, events,
                history);
        if (cluster.enabled()) {
            Gauge.builder("bc.gateway.cluster.degraded", cluster, c -> c.degraded() ? 1 : 0)
                    .description("1 while Redis is unreachable and each principal runs on its local share of BC's "
                            + "quota (cluster mode only)")
                    .register(this.registry);
        }
    }

    GatewayMetrics(MeterRegistry registry, Clock clock, Tracer tracer, OpenTelemetry otel, boolean tracingOff) {
        this(registry, clock, tracer, otel, tracingOff, new EventLog(clock), new History(clock));
    }

    GatewayMetrics(MeterRegistry registry, Clock clock, Tracer tracer, OpenTelemetry otel, boolean tracingOff,
            EventLog events, History history) {
        this.events = events;
        this.history = history;
        this.registry = direct(registry);
        this.clock = clock;
        this.spans = tracingOff ? Spans.off() : new Spans(tracer, otel);
        this.fanoutTargets = DistributionSummary.builder("bc.gateway.fanout.targets")
                .description("Targets (companies or connections) per fan-out")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
                .register(this.registry);
        this.fanoutsComplete = fanouts("complete");
        this.fanoutsPartial = fanouts("partial");
        this.fanoutsFailed = fanouts("failed");
    }

    /**
     * The registry the gateway's meters are registered with: Quarkus hands out its global composite registry, which
     * on every observation walks its registries (an iterator over an {@code IdentityHashMap}) to forward it to the
     * one Prometheus registry it holds. With exactly one registry inside, the meters go to that registry itself:
     * {@code /q/metrics} reads the same series (it scrapes that registry), and each of the ~5 observations per
     * proxied request skips the walk (bench/overhead/MeterDirectCost.java, issue #15). With none (not yet) or
     * several, they stay on the composite, which then forwards to all of them.
     */
    static MeterRegistry direct(MeterRegistry registry) {
        if (registry instanceof CompositeMeterRegistry composite) {
            Set<MeterRegistry> inside = composite.getRegistries();
            if (inside.size() == 1) {
                return inside.iterator().next();
            }
        }
        return registry;
    }

    private Counter fanouts(String result) {
        return Counter.builder("bc.gateway.fanouts")
                .description("Fan-outs by result: every target read, some failed (partial), or all failed")
                .tag("result", result).register(registry);
    }

    /** The gateway's spans (no-ops while tracing is off). */
    public Spans spans() {
        return spans;
    }

    Instant now() {
        return clock.instant();
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * The meters of one connection, and gauges over its live state.
     *
     * @param principalNames the configured name of each principal, in the order of {@code principals}
     */
    public ConnectionMetrics forConnection(String connection, List<Principal> principals, List<String> principalNames,
            RetryBudget budget, UpstreamBreaker breaker) {
        ConnectionMetrics m = new ConnectionMetrics(this, connection, principals, principalNames);
        for (int i = 0; i < principals.size(); i++) {
            Principal p = principals.get(i);
            String name = principalNames.get(i);
            Gauge.builder("bc.gateway.admission.queued", p.admission(), a -> a.queued())
                    .description("Requests waiting in the gateway's queue for this principal")
                    .tags("connection", connection, "principal", name).strongReference(true).register(registry);
            Gauge.builder("bc.gateway.admission.running", p.admission(), a -> a.running())
                    .description("Requests running at Business Central for this principal")
                    .tags("connection", connection, "principal", name).strongReference(true).register(registry);
            Gauge.builder("bc.gateway.admission.window.used", p.admission(), a -> a.sentInWindow())
                    .description("Requests counted in the principal's current sliding window (BC's quota)")
                    .tags("connection", connection, "principal", name).strongReference(true).register(registry);
            Gauge.builder("bc.gateway.token.expiry.seconds", p, this::secondsUntilExpiry)
                    .description("Seconds until the held token expires (negative: expired; NaN: none held)")
                    .tags("connection", connection, "principal", name).strongReference(true).register(registry);
            Gauge.builder("bc.gateway.token.usable", p, q -> q.tokens().status().usable() ? 1 : 0)
                    .description("1 when the principal holds a token that may be sent, else 0")
                    .tags("connection", connection, "principal", name).register(registry);
        }
        Gauge.builder("bc.gateway.retry.budget.used", budget, RetryBudget::retriesInWindow)
                .description("Retries taken from the connection's retry budget in its current window")
                .tag("connection", connection).register(registry);
        FunctionCounter.builder("bc.gateway.retry.budget.exhausted", budget, RetryBudget::denied)
                .description("Retries refused because the retry budget was spent")
                .tag("connection", connection).register(registry);
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            Gauge.builder("bc.gateway.circuit.state", breaker, b -> b.state() == state ? 1 : 0)
                    .description("1 for the circuit breaker's current state, 0 for the others")
                    .tags("connection", connection, "state", stateName(state)).register(registry);
        }
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            m.transitions[state.ordinal()] = Counter.builder("bc.gateway.circuit.transitions")
                    .description("Circuit breaker state changes, by the state entered")
                    .tags("connection", connection, "to", stateName(state)).register(registry);
        }
        if (breaker.enabled()) {
            // SmallRye calls back on every state change of the breaker named bc-<connection>.
            CircuitBreakerMaintenance.get().onStateChange("bc-" + connection,
                    state -> {
                        m.transitions[state.ordinal()].increment();
                        events.circuitChanged(connection, stateName(state).replace('_', '-'));
                    });
        }
        return m;
    }

    static String stateName(CircuitBreakerState state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half_open";
        };
    }

    private double secondsUntilExpiry(Principal p) {
        Instant expiresAt = p.tokens().status().expiresAt();
        return expiresAt == null ? Double.NaN : Duration.between(clock.instant(), expiresAt).toMillis() / 1000.0;
    }

    /** Counts and times the token requests of one principal: acquisitions, failures by kind, latency. */
    public TokenFetcher timed(String connection, String principal, TokenFetcher fetcher) {
        return new TimedTokenFetcher(registry, connection, principal, fetcher, events);
    }

    /** A fan-out ended after reading {@code targets} targets, {@code succeeded} of them completely. */
    public void fanoutEnded(int targets, int succeeded) {
        fanoutTargets.record(targets);
        if (succeeded == targets) {
            fanoutsComplete.increment();
        } else if (succeeded == 0) {
            fanoutsFailed.increment();
        } else {
            fanoutsPartial.increment();
        }
    }
}
