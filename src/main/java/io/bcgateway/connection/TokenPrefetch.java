package io.bcgateway.connection;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.bcgateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Starts every principal's first token request while the gateway starts ({@code gateway.token.fetch-at-start}), so
 * that the first proxied call finds a token instead of waiting for the client-credentials grant. Where the gateway
 * runs as a sidecar or scales from zero, the first caller otherwise pays for the grant on top of the start.
 *
 * <p>The request goes through each principal's {@link io.bcgateway.token.TokenSource}, the one token cache: a caller
 * arriving while it is in flight shares it, and a failure is remembered with the usual back-off (and logged once)
 * without stopping the start. It is asynchronous (Vert.x), so the rest of the start goes on meanwhile.
 */
@ApplicationScoped
class TokenPrefetch {

    /**
     * Early among the start-up observers: the grant overlaps the rest of the start, HTTP server included. The
     * connections are built here, on the main thread, so that a configuration error still stops the start; each
     * request is made on a worker thread: making the first one runs cold code (the OIDC client's request, Vert.x's web
     * client and connection pool) that took the main thread 0.37 s before it could open the listeners (issue 14, no
     * AOT cache, load 13). Not on an event loop: the listeners open there, and would wait for it.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, GatewayConfig config,
            Connections connections, Vertx vertx) {
        if (!config.token().fetchAtStart()) {
            return;
        }
        for (Connection c : connections.all()) {
            for (Principal p : c.principals()) {
                vertx.executeBlocking(() -> {
                    p.tokens().refreshIfIdle();
                    return null;
                }, false);
            }
        }
    }
}
