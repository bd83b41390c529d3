package io.bcgateway.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The embedded Business Central + Entra ID simulator of demo mode. */
@ConfigMapping(prefix = "simulator")
public interface SimulatorConfig {

    /** Serve the simulator inside the gateway process (demo mode). Never enable it in production. */
    @WithDefault("false")
    boolean enabled();

    /** Path under which the simulator is served, e.g. {@code http://localhost:8080/sim/v2.0/production/api/v2.0}. */
    @WithDefault("/sim")
    String mountPath();

    /** Number of demo companies the simulator seeds. */
    @WithDefault("3")
    int companies();

    /** Lifetime of the simulator's access tokens, in seconds (Entra ID issues 60 to 90 minutes). */
    @WithDefault("3599")
    int tokenLifetimeSeconds();
}
