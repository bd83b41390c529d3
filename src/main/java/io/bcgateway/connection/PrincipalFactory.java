package io.bcgateway.connection;

import java.time.Clock;
import java.time.Duration;

import io.bcgateway.cluster.ClusterQuotas;
import io.bcgateway.config.ConnectionConfig;
import io.bcgateway.config.GatewayConfig;
import io.bcgateway.config.LimitsConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.metrics.GatewayMetrics;
import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.AdmissionControl;
import io.bcgateway.throttle.Timers;
import io.bcgateway.token.TokenEndpoint;
import io.bcgateway.token.TokenSource;
import io.quarkus.oidc.client.OidcClients;
import io.vertx.core.Vertx;

/**
 * Builds the principals (app registrations) of every connection from what they all share: the gateway's token and
 * throttling settings, the OIDC clients, the clock and timers, the meters, the cluster quota and Vert.x (its file
 * system reads secret files; its DNS names why a token endpoint is unreachable).
 * Only what differs per app registration is passed per call.
 */
final class PrincipalFactory {

    private final GatewayConfig config;
    private final ThrottleConfig throttle;
    private final OidcClients oidcClients;
    private final Clock clock;
    private final Timers timers;
    private final GatewayMetrics metrics;
    private final ClusterQuotas cluster;
    private final Vertx vertx;

    PrincipalFactory(GatewayConfig config, ThrottleConfig throttle, OidcClients oidcClients, Clock clock, Timers timers,
            GatewayMetrics metrics, ClusterQuotas cluster, Vertx vertx) {
        this.config = config;
        this.throttle = throttle;
        this.oidcClients = oidcClients;
        this.clock = clock;
        this.timers = timers;
        this.metrics = metrics;
        this.cluster = cluster;
        this.vertx = vertx;
    }

    /**
     * One app registration of connection {@code c} (named {@code connection}): its OIDC client and token cache,
     * and its admission under BC's per-principal limits.
     *
     * @param label the principal's name in logs and meters: the connection's, or {@code <connection>/<pool id>}
     */
    Principal principal(String connection, ConnectionConfig c, String tokenUrl, String label, String clientId,
            Credential credential) {
        GatewayConfig.Token t = config.token();
        TokenSource tokens = new TokenSource(label, metrics.timed(connection, label,
                TokenEndpoint.naming(vertx, tokenUrl, config.upstream().connectTimeout(), Connections.fetcher(label, c,
                        clientId, credential, tokenUrl, config, oidcClients, clock, vertx.fileSystem()))),
                clock, t.refreshAhead(), t.expirySafetyMargin(), t.failureBackoffInitial(), t.failureBackoffMax());
        LimitsConfig limits = c.limits();
        int maxRunning = limits.maxRunning().orElse(throttle.maxRunning());
        int rateLimit = limits.rateLimit().orElse(throttle.rateLimit());
        Duration window = limits.rateWindow().orElse(throttle.rateWindow());
        // Cluster mode: BC counts per principal (tenant + app registration), so replicas share it through Redis.
        AdmissionControl admission = cluster.enabled()
                ? cluster.admission(label, c.tenantId() + "/" + clientId, maxRunning, rateLimit, window,
                        throttle.maxQueued(), timers)
                : new Admission(label, maxRunning, rateLimit, window, throttle.maxQueued(), clock, timers);
        return new Principal(clientId, tokens, admission);
    }
}
