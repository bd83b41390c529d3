package io.bcgateway.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * How this replica shares BC's quotas: {@code local} (cluster mode off), {@code shared} (through Redis) or
 * {@code degraded} (Redis unreachable, serving on a local share). Always UP: a degraded replica still serves every
 * request, only more slowly, so taking it out of the Service would lose capacity for nothing.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    private final ClusterQuotas cluster;

    @Inject
    public ClusterReadiness(ClusterQuotas cluster) {
        this.cluster = cluster;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("bc-cluster").up();
        if (!cluster.enabled()) {
            return r.withData("mode", "local").build();
        }
        if (!cluster.degraded()) {
            return r.withData("mode", "shared").build();
        }
        r.withData("mode", "degraded");
        r.withData("since", String.valueOf(cluster.degradedSince()));
        r.withData("share", "1/" + cluster.config().expectedReplicas() + " of each principal's limits");
        String failure = cluster.lastFailure();
        if (failure != null) {
            r.withData("redis", failure);
        }
        return r.build();
    }
}
