package io.bcgateway.demo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.bcgateway.simulator.BcSimulator;
import io.bcgateway.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * Demo mode: serves the Business Central + Entra ID simulator on the gateway's own port, so that one command
 * gives a working gateway with no Azure tenant.
 */
@ApplicationScoped
public class EmbeddedSimulator {

    private static final Logger LOG = Logger.getLogger(EmbeddedSimulator.class);

    void mount(@Observes Router router, SimulatorConfig config, Vertx vertx) {
        if (!config.enabled()) {
            return;
        }
        SimulatorSettings settings = SimulatorSettings.defaults()
                .companies(config.companies())
                .tokenLifetimeSeconds(config.tokenLifetimeSeconds());
        BcSimulator simulator = BcSimulator.create(vertx, settings);
        String path = config.mountPath().endsWith("/") ? config.mountPath() + "*" : config.mountPath() + "/*";
        router.route(path).subRouter(simulator.router());
        LOG.warnf("DEMO MODE: the Business Central + Entra ID simulator is served under %s. "
                + "It accepts demo credentials only; never run this in production.", config.mountPath());
    }
}
