package io.bcgateway.proxy;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.bcgateway.config.GatewayConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Connections;
import io.bcgateway.fanout.FanoutService;
import io.bcgateway.gate.ExchangeGate;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.bcgateway.security.BatchPolicy;
import io.bcgateway.security.Caller;
import io.bcgateway.security.CallerGate;
import io.bcgateway.security.Denial;
import io.bcgateway.upstream.UpstreamEngine;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code ANY /bc/{connection}/{rest}}: the authenticated pass-through. Registered directly on the Vert.x router
 * (not as a JAX-RS resource) so that bodies stream both ways without being buffered or re-encoded.
 */
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class ProxyRoute {

    static final String PREFIX = "/bc/";

    /**
     * The methods Business Central's APIs use; anything else is refused before a token is spent on it. Compared by
     * identity: Vert.x hands over these constants for the standard methods (a set hashed the method's name per
     * request).
     */
    private static boolean isBcMethod(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.POST || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE || method == HttpMethod.PUT || method == HttpMethod.HEAD;
    }

    private final Connections connections;
    private final FanoutService fanout;
    private final int replayableBodyLimit;
    private final ThrottleConfig throttle;
    private final UpstreamEngine engine;
    private final ExchangeGate gate;

    @Inject
    public ProxyRoute(Connections connections, GatewayConfig config, ThrottleConfig throttle, FanoutService fanout,
            UpstreamEngine engine, ExchangeGate gate) {
        this.gate = gate;
        this.connections = connections;
        this.fanout = fanout;
        this.replayableBodyLimit = config.upstream().replayableBodyLimit();
        this.throttle = throttle;
        this.engine = engine;
    }

    void register(@Observes Router router) {
        router.route(PREFIX + "*").handler(this::handle);
    }

    /** The route, for requests that came the long way (see {@link FrontRoute}): the caller is on the context. */
    void handle(RoutingContext rc) {
        handle(rc, CallerGate.caller(rc));
    }

    void handle(RoutingContext rc, Caller caller) {
        HttpServerRequest request = rc.request();
        request.pause();
        String path = request.path();
        int nameEnd = path.indexOf('/', PREFIX.length());
        String name = nameEnd < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), nameEnd);
        String rest = nameEnd < 0 ? "" : path.substring(nameEnd + 1);
        Connection connection = connections.find(name).orElse(null);
        if (connection == null) {
            answer(request, Problems.unknownConnection(name));
            return;
        }
        if (!isBcMethod(request.method())) {
            answer(request, Problem.of(405, "method-not-allowed", "Method not allowed",
                    "Business Central's APIs do not use " + request.method().name() + ".")
                    .with("connection", connection.name()));
            return;
        }
        String refused = PathGuard.rejectPath(rest);
        if (refused == null) {
            refused = PathGuard.rejectQuery(request.query());
        }
        if (refused == null) {
            refused = PathGuard.rejectHeaders(request.headers());
        }
        if (refused != null) {
            answer(request, Problems.badRequest(connection.name(), refused));
            return;
        }
        boolean batch = fanout.isBatch(request, rest);
        // A $batch is judged by the operations it carries (read once its body is in), not by its own POST.
        Denial denied = batch ? caller.policy().denyConnection(connection.name())
                : caller.policy().denyRequest(connection.name(), request.method().name(), rest);
        if (denied != null) {
            answer(request, Problems.forbidden(caller.name(), connection.name(), denied.rule(), denied.detail()));
            return;
        }
        boolean checkBatch = batch && !caller.policy().unrestricted();
        if (checkBatch && declaredLength(request) > fanout.maxBatchBody()) {
            answer(request, Problem.of(413, "batch-too-large", "Batch too large to check",
                    "Caller '" + caller.name() + "' may only send a $batch whose operations the gateway can check: "
                            + "declare its Content-Length, at most " + fanout.maxBatchBody() + " bytes.")
                    .with("connection", connection.name()));
            return;
        }
        Duration budget = Deadline.parse(request.getHeader(Deadline.HEADER_NAME), throttle.defaultDeadline(),
                throttle.maxDeadline());
        if (budget == null) {
            answer(request, Problems.badRequest(connection.name(), Deadline.HEADER
                    + " must be a whole number of seconds, or a number with ms, s or m (e.g. 20s)"));
            return;
        }
        if (FanoutService.wantsAllPages(request)) {
            fanout.allPages(request, connection, rest);
            return;
        }
        String upstreamUri = connection.endpoint().upstreamUri(rest, request.query());
        if (batch && declaredLength(request) <= fanout.maxBatchBody()) {
            // Read the batch to check and count its operations: past BC's 100 it is split, otherwise it goes on as it came.
            request.body().onComplete(read -> {
                JsonArray operations = read.succeeded() ? FanoutService.batchOperations(read.result()) : null;
                if (operations == null) {
                    answer(request, Problems.badRequest(connection.name(), read.failed()
                            ? "the $batch body could not be read"
                            : "the $batch body is not JSON of the form {\"requests\":[{...}, ...]}"));
                    return;
                }
                Denial deniedOp = checkBatch
                        ? BatchPolicy.deny(caller.policy(), connection.name(), rest, operations) : null;
                if (deniedOp != null) {
                    answer(request, Problems.forbidden(caller.name(), connection.name(), deniedOp.rule(),
                            deniedOp.detail()));
                } else if (!fanout.splitIfNeeded(request, connection, upstreamUri, operations)) {
                    gate.admit(request, caller.name(), connection, rest, read.result(),
                            (content, tap) -> new ProxyExchange(request, caller.name(), connection, upstreamUri,
                                    RequestBody.ofContent(content), engine, budget, tap).start());
                }
            });
            request.resume();
            return;
        }
        // The gate: idempotency keys, coalesced reads and the read replica decide here (package gate).
        gate.admit(request, caller.name(), connection, rest, null, (content, tap) -> new ProxyExchange(request,
                caller.name(), connection, upstreamUri, content == null ? RequestBody.of(request, replayableBodyLimit)
                        : RequestBody.ofContent(content), engine, budget, tap).start());
    }

    /** The declared body length; unknown (chunked) counts as too large to read for counting. */
    private static long declaredLength(HttpServerRequest request) {
        try {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return length == null ? Long.MAX_VALUE : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void answer(HttpServerRequest request, Problem problem) {
        request.resume();
        problem.send(request.response());
    }
}
