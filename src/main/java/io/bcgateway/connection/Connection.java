package io.bcgateway.connection;

import java.util.List;

import io.bcgateway.metrics.ConnectionMetrics;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.UpstreamBreaker;
import io.vertx.core.http.HttpClient;

/**
 * One configured Business Central connection, ready to use: where BC is, the pooled client that reaches it, its
 * principals (one, or a credential pool), its retry budget, its circuit breaker and its meters.
 */
public record Connection(String name, BcEndpoint endpoint, HttpClient http, List<Principal> principals,
        RetryBudget retryBudget, UpstreamBreaker breaker, ConnectionMetrics metrics) {

    public Connection {
        if (principals.isEmpty()) {
            throw new IllegalArgumentException("a connection needs at least one principal");
        }
        principals = List.copyOf(principals);
    }

    /**
     * The principal with the least work running or queued, then the fewest requests in its window: with a pool of
     * app registrations the load spreads so that each stays within BC's per-principal limits.
     */
    public Principal pick() {
        if (principals.size() == 1) {
            return principals.get(0);
        }
        Principal best = null;
        int bestLoad = Integer.MAX_VALUE;
        int bestWindow = Integer.MAX_VALUE;
        for (Principal p : principals) {
            int load = p.load();
            if (load > bestLoad) {
                continue;
            }
            int window = p.admission().sentInWindow();
            if (load < bestLoad || window < bestWindow) {
                best = p;
                bestLoad = load;
                bestWindow = window;
            }
        }
        return best;
    }

}
