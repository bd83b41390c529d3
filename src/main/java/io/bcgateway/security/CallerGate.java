package io.bcgateway.security;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates every caller of {@code /bc/*} and {@code /fanout/*} before anything else happens: a TLS client
 * certificate (its SHA-256 thumbprint), an API key (its SHA-256 looked up among the configured hashes) or a bearer
 * token validated by quarkus-oidc (issuer, audience, signature, expiry), then the caller's own rate limit. The routes then ask the caller's policy about the
 * connection, method and path. In {@code none} mode (loopback only) every request is the local caller.
 *
 * <p>Answers are problem+json and never repeat a credential; logs name the caller, never its key or token.
 */
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class CallerGate {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.security");
    private static final String CALLER = "bc-gateway.caller";
    /** After Quarkus's own authentication handler (which only prepares the deferred identity), before the routes. */
    private static final int ORDER = -1;

    private static final BiConsumer<RoutingContext, Throwable> ANSWERED_BY_GATE = (rc, failure) -> {
    };
    /** The route's way on: the caller for {@link #caller(RoutingContext)}, then the next route. */
    private static final BiConsumer<RoutingContext, Caller> ON_THE_CONTEXT = (rc, caller) -> {
        rc.put(CALLER, caller);
        rc.next();
    };

    private final CallerRegistry registry;
    private final IdentityProviderManager identities;

    @Inject
    public CallerGate(CallerRegistry registry, IdentityProviderManager identities) {
        this.registry = registry;
        this.identities = identities;
    }

    void register(@Observes Router router) {
        router.route("/bc/*").order(ORDER).handler(this::authenticate);
        router.route("/fanout/*").order(ORDER).handler(this::authenticate);
    }

    /** The caller that {@link CallerGate} let through for this request. */
    public static Caller caller(RoutingContext rc) {
        Caller caller = rc.get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no caller on a request that passed the gate");
        }
        return caller;
    }

    /** The route: an admitted caller is put on the routing context for the route after it. */
    void authenticate(RoutingContext rc) {
        authenticate(rc, ON_THE_CONTEXT);
    }

    /**
     * Whether this request's caller can only be decided with Quarkus' HTTP security, i.e. by a bearer token, whose
     * identity Quarkus' authentication handler (a route after proxy/FrontRoute) prepares. Conservative: with client
     * certificates and bearer tokens both accepted, every TLS request counts.
     */
    public boolean needsQuarkusSecurity(HttpServerRequest request) {
        if (registry.open() || !registry.acceptsJwt()) {
            return false;
        }
        if (registry.acceptsCertificates() && request.isSSL()) {
            return true;
        }
        if (registry.acceptsApiKeys() && request.getHeader(registry.apiKeyHeader()) != null) {
            return false; // the key decides
        }
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /**
     * Authenticates the request's caller and hands an admitted one to {@code admitted}; a refused or rate-limited
     * caller is answered here. A bearer token needs Quarkus' authentication handler to have run on {@code rc} first
     * (see {@link #needsQuarkusSecurity}).
     */
    public void authenticate(RoutingContext rc, BiConsumer<RoutingContext, Caller> admitted) {
        if (registry.open()) {
            admitted.accept(rc, Caller.LOCAL);
            return;
        }
        HttpServerRequest request = rc.request();
        if (registry.acceptsCertificates() && request.isSSL()) {
            byte[] certificate = clientCertificate(request);
            if (certificate != null) {
                Optional<Caller> caller = registry.byCertificate(certificate);
                if (caller.isPresent()) {
                    admit(rc, caller.get(), admitted);
                    return;
                }
                LOG.infof("refused: client certificate names no caller, from %s", request.remoteAddress());
                refuse(request, "The client certificate is trusted but names no caller.");
                return;
            }
        }
        String key = registry.acceptsApiKeys() ? request.getHeader(registry.apiKeyHeader()) : null;
        if (key != null) {
            // Nothing after the gate (forwarding, fan-out, logs) ever needs the key: take it off the request.
            request.headers().remove(registry.apiKeyHeader());
            Optional<Caller> caller = registry.byApiKey(key.strip());
            if (caller.isEmpty()) {
                LOG.infof("refused: unknown API key from %s", request.remoteAddress());
                refuse(request, "The API key is not valid.");
                return;
            }
            admit(rc, caller.get(), admitted);
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (registry.acceptsJwt() && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.pause(); // validation may fetch signing keys: keep the body until the request goes on
            Context context = Vertx.currentContext();
            // Quarkus would answer a failed token with a bare 401 of its own; the gate answers with a problem instead.
            rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, ANSWERED_BY_GATE);
            QuarkusHttpUser.getSecurityIdentity(rc, identities).subscribe().with(
                    identity -> context.runOnContext(v -> admitToken(rc, identity, admitted)),
                    failure -> context.runOnContext(v -> {
                        // quarkus-oidc's failure says why (expired, audience, signature) but may quote claims: log the kind only.
                        LOG.infof("refused: bearer token not valid (%s) from %s", failure.getClass().getSimpleName(),
                                request.remoteAddress());
                        refuse(request, "The bearer token is not valid for this gateway (expired, wrong audience or "
                                + "issuer, or a bad signature).");
                    }));
            return;
        }
        refuse(request, "Authenticate with " + accepted() + ".");
    }

    /** The DER encoding of the caller's TLS client certificate, or null when it presented none. */
    private static byte[] clientCertificate(HttpServerRequest request) {
        try {
            var chain = request.connection().peerCertificates();
            return chain == null || chain.isEmpty() ? null : chain.get(0).getEncoded();
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateEncodingException e) {
            return null;
        }
    }

    private void admitToken(RoutingContext rc, SecurityIdentity identity,
            BiConsumer<RoutingContext, Caller> admitted) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            refuse(rc.request(), "The bearer token is not valid for this gateway.");
            return;
        }
        Object azp = token.getClaim("azp");
        Object clientId = azp != null ? azp : token.getClaim("appid");
        Optional<Caller> caller = registry.byToken(clientId == null ? null : clientId.toString(), identity.getRoles());
        if (caller.isEmpty()) {
            LOG.infof("refused: valid token of client %s matches no caller", clientId);
            Problems.forbidden(null, null, "gateway.caller-auth.callers",
                    "The token is valid, but no configured caller has its client id or any of its roles.")
                    .send(resumed(rc.request()).response());
            return;
        }
        admit(rc, caller.get(), admitted);
    }

    private void admit(RoutingContext rc, Caller caller, BiConsumer<RoutingContext, Caller> admitted) {
        Duration wait = caller.policy().takeRate();
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            LOG.debugf("rate-limited caller %s for %d s", caller.name(), seconds);
            Problems.callerRateLimited(caller.name(), caller.policy().rateRule(), seconds)
                    .send(resumed(rc.request()).response());
            return;
        }
        admitted.accept(rc, caller);
    }

    private void refuse(HttpServerRequest request, String detail) {
        Problem problem = Problems.unauthenticated(detail);
        if (registry.acceptsJwt()) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
        } else {
            request.response().putHeader("WWW-Authenticate", "ApiKey header=\"" + registry.apiKeyHeader() + "\"");
        }
        problem.send(resumed(request).response());
    }

    private String accepted() {
        java.util.List<String> ways = new java.util.ArrayList<>();
        if (registry.acceptsApiKeys()) {
            ways.add("an API key in " + registry.apiKeyHeader());
        }
        if (registry.acceptsJwt()) {
            ways.add("a bearer token");
        }
        if (registry.acceptsCertificates()) {
            ways.add("a client certificate (HTTPS)");
        }
        return String.join(" or ", ways);
    }

    /** A refused request's body is not read; resuming lets the connection drain it (or close) normally. */
    private static HttpServerRequest resumed(HttpServerRequest request) {
        request.resume();
        return request;
    }
}
