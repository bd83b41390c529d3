package io.bcgateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.bcgateway.config.HealthConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Connections;
import io.bcgateway.connection.Principal;
import io.bcgateway.token.TokenSource;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * Readiness per connection, from cached state only: a connection is ready when each of its principals holds a
 * token or has not failed to get one, and its circuit is not open. Entra ID is not called for the probe; after a
 * failure a principal is retried no more often than its failure back-off allows, so a fixed credential turns the
 * probe back to UP without caller traffic. Whether one bad connection makes the whole gateway unready is
 * {@code gateway.health.require-all-connections}.
 */
@Readiness
@ApplicationScoped
public class ConnectionsReadiness implements HealthCheck {

    private final Connections connections;
    private final HealthConfig config;

    @Inject
    public ConnectionsReadiness(Connections connections, HealthConfig config) {
        this.connections = connections;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("bc-connections");
        int total = 0;
        int ready = 0;
        for (Connection c : connections.all()) {
            total++;
            boolean ok = c.breaker().state() != CircuitBreakerState.OPEN;
            StringBuilder detail = new StringBuilder("circuit ").append(c.breaker().state());
            for (Principal p : c.principals()) {
                p.tokens().refreshIfIdle();
                TokenSource.Status s = p.tokens().status();
                if (s.usable()) {
                    detail.append("; token valid until ").append(s.expiresAt());
                } else if (s.lastFailure() != null) {
                    ok = false;
                    detail.append("; ").append(s.lastFailure());
                } else {
                    detail.append("; no token yet");
                }
            }
            if (ok) {
                ready++;
            }
            response.withData(c.name(), (ok ? "UP: " : "DOWN: ") + detail);
        }
        return response.status(gatewayReady(config.requireAllConnections(), ready, total)).build();
    }

    /** Every connection ready ({@code requireAll}), or at least one (a gateway without connections is ready). */
    static boolean gatewayReady(boolean requireAll, int ready, int total) {
        return requireAll ? ready == total : total == 0 || ready > 0;
    }
}
