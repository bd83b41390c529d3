package io.bcgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the gateway reports readiness. */
@ConfigMapping(prefix = "gateway.health")
public interface HealthConfig {

    /**
     * true: the gateway is unready as soon as one connection cannot get a token or has an open circuit (one
     * tenant per gateway). false: it is ready while at least one connection is (a partner gateway serving many
     * tenants should keep serving the healthy ones).
     */
    @WithDefault("false")
    boolean requireAllConnections();
}
