package io.bcgateway.shutdown;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.bcgateway.problem.Problem;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Graceful shutdown, with {@code quarkus.shutdown.timeout} as the grace period. On SIGTERM Quarkus waits up to that
 * long for every HTTP request in progress (Vert.x routes included) before it stops; but while it waits it keeps
 * serving new requests too (it only adds {@code Connection: close}), so under steady traffic the drain would never
 * end and late requests would be cut off at the timeout. This class closes that gap: from SIGTERM on, new
 * {@code /bc/} and {@code /fanout/} requests are refused at once with 503 {@code urn:bc-gateway:problem:shutting-down}
 * (and {@code Connection: close}), readiness turns DOWN, and only the requests already in flight are finished.
 *
 * <p>The listening socket itself stays open until Quarkus stops the HTTP server after the drain: Vert.x 4 cannot
 * stop accepting connections without closing the open ones.
 */
@Readiness
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every request paid
// (issue #15).
@Singleton
public class Drain implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(Drain.class);

    private volatile boolean draining;
    private Thread hook;

    /**
     * Quarkus's own shutdown runs in a JVM shutdown hook as well; its CDI events come only after the drain, too late
     * to stop taking requests, so the signal is taken from a hook of our own, which runs as soon as SIGTERM arrives.
     */
    void onStart(@Observes StartupEvent event) {
        hook = new Thread(this::startDraining, "bc-gateway-drain");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook has run (or is running): nothing to remove
        }
    }

    void register(@Observes Router router) {
        // Before the gateway's own routes: a refused request never reaches admission, a token or BC. (The common
        // /bc/ request is checked by proxy/FrontRoute instead, which calls refusedWhileDraining itself.)
        router.route("/bc/*").order(-100).handler(this::refuseWhileDraining);
        router.route("/fanout/*").order(-100).handler(this::refuseWhileDraining);
    }

    void startDraining() {
        if (!draining) {
            draining = true;
            LOG.info("Shutting down: new requests are refused, requests in flight are finished");
        }
    }

    public boolean draining() {
        return draining;
    }

    private void refuseWhileDraining(RoutingContext rc) {
        if (!refusedWhileDraining(rc)) {
            rc.next();
        }
    }

    /** Whether the request was refused (and answered) because the gateway is draining. */
    public boolean refusedWhileDraining(RoutingContext rc) {
        if (!draining) {
            return false;
        }
        rc.response().putHeader("Connection", "close");
        Problem.of(503, "shutting-down", "Shutting down",
                "This gateway instance is shutting down; send the request again (another instance will take it).")
                .retryAfter(1).send(rc.response());
        return true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("drain").status(!draining).withData("draining", draining).build();
    }
}
