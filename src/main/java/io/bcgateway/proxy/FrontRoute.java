package io.bcgateway.proxy;

import java.util.Optional;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Readiness;

import io.bcgateway.security.Caller;
import io.bcgateway.security.CallerGate;
import io.bcgateway.shutdown.Drain;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The first route of every request, and the whole way for the common {@code /bc/} request. Every request gets its
 * framing and its target checked here ({@link MessageFramingGuard}, {@link RequestTargetGuard}). A {@code /bc/}
 * request whose caller the gate decides without Quarkus' HTTP security (mode none, an API key, a client
 * certificate) is then taken straight through the drain check, the body limit and the caller gate to
 * {@link ProxyRoute}, without going back to the router.
 *
 * <p>Why: each route a request passes costs a route match, and Quarkus' routes in between do nothing for such a
 * request but cost ~4 KB of allocation per request (docs/benchmarks.md, "The router layer"): the authentication
 * handler prepares a deferred identity the gate never asks for, Quarkus REST's observability hook maps the path
 * against REST resources it is not one of, and the authorization and OIDC handlers pass it on. Quarkus offers no
 * supported hook ahead of its router, so this is the earliest place.
 *
 * <p>Everything else goes on through the router as before: other paths, {@code /fanout/}, and a request that
 * presents a bearer token, whose identity only Quarkus' authentication handler prepares (then the drain route, the
 * caller gate's route and {@link ProxyRoute}'s route take it). Quarkus' own HTTP permissions
 * ({@code quarkus.http.auth.permission.*}) are not consulted on the short way; the gateway configures none, its
 * callers' policies are its own ({@code gateway.caller-auth.*}).
 */
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class FrontRoute {

    private final MessageFramingGuard framing;
    private final Drain drain;
    private final CallerGate gate;
    /**
     * Quarkus' body limit, which its own route (skipped on the short way) checks against Content-Length. Read as
     * MemorySize, the property's documented type (a runtime package, but the type Quarkus' configuration reference
     * names for it), so that "350M" means here what it means to Quarkus.
     */
    private final long maxBodySize;
    private final BiConsumer<RoutingContext, Caller> toProxy;

    @Inject
    public FrontRoute(MessageFramingGuard framing, @Readiness Drain drain, CallerGate gate, ProxyRoute proxy,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.framing = framing;
        this.drain = drain;
        this.gate = gate;
        this.maxBodySize = maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.toProxy = proxy::handle; // once: a method reference made per request would be an allocation each
    }

    void register(@Observes Router router) {
        // First of all routes: nothing of an ambiguous request is used.
        router.route().order(Integer.MIN_VALUE).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        if (!framing.passes(rc) || !RequestTargetGuard.passes(rc)) {
            return;
        }
        HttpServerRequest request = rc.request();
        // The raw path: one that starts with /bc/ is routed to /bc/* as well (dot segments were refused above).
        if (!request.path().startsWith(ProxyRoute.PREFIX) || gate.needsQuarkusSecurity(request)) {
            rc.next();
            return;
        }
        // In the order of the routes it stands for: the drain (order -100), Quarkus' body limit (-2), the gate (-1).
        if (drain.refusedWhileDraining(rc) || tooLarge(request)) {
            return;
        }
        gate.authenticate(rc, toProxy);
    }

    /** Quarkus' body limit on a declared length, answered as Quarkus' own route answers it (413, then close). */
    private boolean tooLarge(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || maxBodySize == Long.MAX_VALUE) {
            return false;
        }
        long declared;
        try {
            declared = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return false; // Netty's decoder refuses such a request before any route
        }
        if (declared <= maxBodySize) {
            return false;
        }
        HttpServerResponse response = request.response();
        response.headers().add("Connection", "close");
        response.setStatusCode(413).endHandler(ended -> request.connection().close());
        response.end();
        return true;
    }
}
