package io.bcgateway.simulator;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * HTTP front of the simulated BC: resolves the URL shape (online with or without tenant, on-premises),
 * authenticates the bearer token, checks the environment, counts the request, and hands the operation to
 * {@link ODataService}, {@link BatchHandler} or {@link AttachmentContent}. Every response carries a
 * {@code request-id} GUID, which is also the CorrelationId in error messages, as at BC.
 */
final class BcApi implements Handler<RoutingContext> {

    /** JSON bodies are read into memory; media uploads go through {@link AttachmentContent} instead. */
    private static final long MAX_JSON_BODY_BYTES = 64L * 1024 * 1024;
    /** Routing-context key of the authenticated principal's client id. */
    private static final String CLIENT_ID = "bcsim.clientId";
    /** A custom API's version segment, e.g. v1.0 or beta. */
    private static final java.util.regex.Pattern CUSTOM_API_VERSION = java.util.regex.Pattern.compile("v\\d+\\.\\d+|beta");

    private final io.vertx.core.Vertx vertx;
    private final SimulatorSettings settings;
    private final TokenService tokens;
    private final SimulatorStats stats;
    private final RequestLog log;
    private final Clock clock;
    private final Supplier<EntityStore> store;
    private final ODataService service;
    private final BatchHandler batch;
    private final AttachmentContent attachments;
    private final PrincipalLimiter limiter;
    private final FaultInjector faults;
    private final WebhookRoutes webhooks;

    BcApi(io.vertx.core.Vertx vertx, SimulatorSettings settings, TokenService tokens, SimulatorStats stats, RequestLog log, Clock clock,
          Supplier<EntityStore> store, ODataService service, AttachmentContent attachments, PrincipalLimiter limiter,
          FaultInjector faults, WebhookRoutes webhooks) {
        this.vertx = vertx;
        this.settings = settings;
        this.tokens = tokens;
        this.stats = stats;
        this.log = log;
        this.clock = clock;
        this.store = store;
        this.service = service;
        this.batch = new BatchHandler(service);
        this.attachments = attachments;
        this.limiter = limiter;
        this.faults = faults;
        this.webhooks = webhooks;
    }

    /**
     * Where a URL points: environment, optional tenant, API, the raw API root and resource path, and the API route
     * ({@code api/v2.0}, {@code api/{publisher}/{group}/{version}}).
     */
    record Target(String tenant, String environment, ODataRequest.Api api, String rawRoot, String resourcePath, String apiRoute) {

        static Target parse(String rawRelativePath) {
            List<String> p = Arrays.asList(rawRelativePath.substring(1).split("/", -1));
            String tenant = null;
            String env;
            int apiIdx;
            if (p.get(0).equals("v2.0")) {
                if (p.size() > 2 && p.get(2).equals("api")) {
                    env = p.get(1);
                    apiIdx = 2;
                } else if (p.size() > 3 && p.get(3).equals("api")) {
                    tenant = p.get(1);
                    env = p.get(2);
                    apiIdx = 3;
                } else {
                    return null;
                }
            } else if (p.get(0).equals("BC") && p.size() > 1 && p.get(1).equals("api")) {
                env = "onprem"; // on-premises: same API under the server instance's base URL
                apiIdx = 1;
            } else {
                return null;
            }
            ODataRequest.Api api;
            int rootEnd;
            if (p.size() > apiIdx + 1 && p.get(apiIdx + 1).equals("v2.0")) {
                api = ODataRequest.Api.STANDARD;
                rootEnd = apiIdx + 2;
            } else if (p.size() > apiIdx + 3 && p.subList(apiIdx + 1, apiIdx + 4).equals(List.of("microsoft", "automation", "v2.0"))) {
                api = ODataRequest.Api.AUTOMATION;
                rootEnd = apiIdx + 4;
            } else if (p.size() > apiIdx + 3 && !p.get(apiIdx + 1).isEmpty() && !p.get(apiIdx + 2).isEmpty()
                    && CUSTOM_API_VERSION.matcher(p.get(apiIdx + 3)).matches()) {
                api = ODataRequest.Api.CUSTOM; // api/{publisher}/{group}/{version}
                rootEnd = apiIdx + 4;
            } else {
                return null;
            }
            String root = "/" + String.join("/", p.subList(0, rootEnd));
            String rest = String.join("/", p.subList(rootEnd, p.size()));
            return new Target(tenant, env, api, root, rest, String.join("/", p.subList(apiIdx, rootEnd)));
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String correlationId = UUID.randomUUID().toString();
        String method = req.method().name();
        String relPath = Paths.relative(ctx);
        String query = req.query();
        stats.bcRequestStarted(method);
        ctx.addEndHandler(ar -> {
            stats.bcRequestEnded();
            stats.bcAnswered(ctx.response().getStatusCode());
            log.add(new RequestLog.Entry("bc", method, relPath, query, ctx.response().getStatusCode(), clock.millis(),
                    ctx.request().getHeader("traceparent")));
        });
        ctx.response().putHeader("request-id", correlationId);

        Target target = Target.parse(relPath);
        if (target == null) {
            String[] parts = relPath.split("/");
            fail(ctx, BcException.segmentNotFound(parts.length == 0 ? "" : parts[parts.length - 1]), correlationId);
            return;
        }
        String role = target.api() == ODataRequest.Api.AUTOMATION ? "Automation.ReadWrite.All" : "API.ReadWrite.All";
        TokenService.Result auth = tokens.validate(req.getHeader("Authorization"), target.tenant(), role);
        if (!auth.ok()) {
            stats.bcUnauthorized();
            ctx.response().putHeader("WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/"
                    + (target.tenant() == null ? "common" : target.tenant()) + "/oauth2/authorize\", "
                    + "resource_id=\"" + TokenService.BC_AUDIENCE + "\", error=\"invalid_token\"");
            write(ctx, ODataResponse.of(401, BcErrors.ERROR_CONTENT_TYPE, JsonBuffers.of(BcErrors.unauthorized(correlationId))));
            return;
        }
        if (!target.environment().equals("onprem") && !settings.environments().contains(target.environment().toLowerCase(Locale.ROOT))) {
            write(ctx, ODataResponse.of(404, "application/xml", BcErrors.noEnvironmentXml()));
            return;
        }
        ctx.put(CLIENT_ID, auth.principal().clientId());
        // Limits are per principal (bc-facts "Limits"): checked after authentication, before anything runs.
        PrincipalLimiter.Ticket ticket = limiter.ticket(auth.principal().clientId(), io.vertx.core.Vertx.currentContext());
        ctx.addEndHandler(ar -> ticket.release()); // the slot is held until the response ends or the connection closes
        ticket.admit(new PrincipalLimiter.Callbacks() {
            @Override
            public void start() {
                execute(ctx, target, method, correlationId);
            }

            @Override
            public void tooMany(PrincipalLimiter.Rejection r) {
                write(ctx, faults.tooManyRequests(r, correlationId));
            }

            @Override
            public void queueTimedOut() {
                write(ctx, faults.queueTimeout(correlationId));
            }
        });
    }

    /**
     * Runs an admitted request: an injected fault answers before or after execution ({@code faultsAfterExecution}),
     * otherwise the operation answers after the configured latency. The running slot is held throughout.
     */
    private void execute(RoutingContext ctx, Target target, String method, String correlationId) {
        HttpServerRequest req = ctx.request();
        boolean drop = mediaTarget(target) == null && faults.nextDrop(); // media uploads answer as they stream
        int fault = drop ? 0 : faults.nextFault();
        UUID[] media = mediaTarget(target);
        // Media uploads stream straight into the store, so an injected fault always answers before executing them.
        boolean executeFirst = fault != 0 && media == null && faults.executesBefore(fault);
        if (fault != 0) {
            stats.bcFault();
            if (!executeFirst) {
                respond(ctx, method, faults.response(fault, correlationId));
                return;
            }
        }
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            ctx.response().writeContinue();
        }
        String apiRoot = Paths.base(ctx) + target.rawRoot();
        if (media != null) {
            stats.bcExecution();
            attachments.handle(ctx, store.get(), media[0], media[1], correlationId);
            return;
        }
        if (WebhookRoutes.isSubscriptionsPath(target.resourcePath())) {
            subscriptions(ctx, target, apiRoot, method, correlationId, executeFirst ? fault : 0);
            return;
        }
        boolean isBatch = target.resourcePath().equals("$batch") || target.resourcePath().equals("%24batch");
        boolean hasBody = isBatch || method.equals("POST") || method.equals("PATCH") || method.equals("PUT");
        if (!hasBody) {
            ODataResponse r = run(ctx, target, apiRoot, null, false, correlationId);
            if (drop) {
                dropAnswer(ctx);
                return;
            }
            respond(ctx, method, executeFirst ? faults.response(fault, correlationId) : r);
            return;
        }
        Bodies.read(ctx, MAX_JSON_BODY_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, new BcException(413, "RequestEntityTooLarge", "The request body is too large."), correlationId);
                return;
            }
            ODataResponse r = run(ctx, target, apiRoot, ar.result(), isBatch, correlationId);
            if (drop) {
                dropAnswer(ctx);
                return;
            }
            respond(ctx, method, executeFirst ? faults.response(fault, correlationId) : r);
        });
    }

    /** The subscriptions resource answers asynchronously: a create or renewal waits for the handshake. */
    private void subscriptions(RoutingContext ctx, Target target, String apiRoot, String method, String correlationId, int faultAfter) {
        stats.bcExecution();
        Bodies.read(ctx, MAX_JSON_BODY_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, new BcException(413, "RequestEntityTooLarge", "The request body is too large."), correlationId);
                return;
            }
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers());
            WebhookRoutes.Call call = new WebhookRoutes.Call(method, target.apiRoute(), apiRoot, target.resourcePath(), headers,
                    ar.result(), ctx.get(CLIENT_ID));
            webhooks.handle(call, correlationId).onComplete(r -> respond(ctx, method,
                    faultAfter != 0 ? faults.response(faultAfter, correlationId) : r.result()));
        });
    }

    private ODataResponse run(RoutingContext ctx, Target target, String apiRoot, Buffer body, boolean isBatch, String correlationId) {
        HttpServerRequest req = ctx.request();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        // A custom API is served as pages over the same tables as API v2.0.
        ODataRequest.Api api = target.api() == ODataRequest.Api.CUSTOM ? ODataRequest.Api.STANDARD : target.api();
        ODataRequest op = new ODataRequest(req.method().name(), api, apiRoot, target.resourcePath(), req.query(), headers, body);
        stats.bcExecution();
        return isBatch ? batch.handle(op, correlationId) : service.handle(op, correlationId);
    }

    /** Answers after the configured latency and jitter, keeping the request running meanwhile. */
    private void respond(RoutingContext ctx, String method, ODataResponse r) {
        long latency = faults.latency();
        boolean reset = method.equals("GET") && isCollection(r) && faults.resetMidBody();
        if (latency <= 0) {
            answer(ctx, r, reset);
        } else {
            vertx.setTimer(latency, id -> answer(ctx, r, reset));
        }
    }

    private void answer(RoutingContext ctx, ODataResponse r, boolean reset) {
        if (reset) {
            writeHalfThenReset(ctx, r);
        } else {
            write(ctx, r);
        }
    }

    /** A 200 JSON body with a {@code value} array: the responses a mid-body reset applies to. */
    private static boolean isCollection(ODataResponse r) {
        if (r.status() != 200 || r.body() == null || r.body().length() < 2) return false;
        String head = r.body().getString(0, Math.min(r.body().length(), 4096));
        return head.contains("\"value\":[");
    }

    /**
     * Sends the headers and the first half of the body, then resets the connection: the client sees a 200
     * whose body breaks off, as when a connection to BC drops mid-transfer.
     */
    private void writeHalfThenReset(RoutingContext ctx, ODataResponse r) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) return;
        stats.bcReset();
        resp.setStatusCode(r.status());
        for (Map.Entry<String, String> h : r.headers()) resp.putHeader(h.getKey(), h.getValue());
        resp.putHeader("OData-Version", "4.0");
        resp.setChunked(true);
        // Close the connection rather than resp.reset(): in Vert.x 4.5 a reset HTTP/1.1 response never runs the
        // routing context's end handlers, which would leak the request's running slot and in-flight count.
        resp.write(r.body().slice(0, r.body().length() / 2)).onComplete(ar -> ctx.request().connection().close());
    }

    /** The request ran; its answer is lost: the connection closes without a byte of it (a forced drop). */
    private void dropAnswer(RoutingContext ctx) {
        stats.bcFault();
        stats.bcReset();
        ctx.request().connection().close();
    }

    /** companies({c})/documentAttachments({a})/attachmentContent, else null. */
    private static UUID[] mediaTarget(Target t) {
        if (t.api() == ODataRequest.Api.AUTOMATION || !t.resourcePath().endsWith("/attachmentContent")) return null;
        try {
            List<ODataService.Segment> s = ODataService.segments(t.resourcePath());
            if (s.size() == 3 && s.get(0).name().equals("companies") && s.get(0).key() != null
                    && s.get(1).name().equals("documentAttachments") && s.get(1).key() != null) {
                return new UUID[] {s.get(0).guidKey(), s.get(1).guidKey()};
            }
        } catch (BcException e) {
            return null; // let the service produce the precise error
        }
        return null;
    }

    static void fail(RoutingContext ctx, BcException e, String correlationId) {
        write(ctx, ODataService.error(e, correlationId));
    }

    static void write(RoutingContext ctx, ODataResponse r) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) return;
        resp.setStatusCode(r.status());
        for (Map.Entry<String, String> h : r.headers()) resp.putHeader(h.getKey(), h.getValue());
        resp.putHeader("OData-Version", "4.0");
        if (r.body() == null) {
            resp.end();
        } else {
            resp.end(r.body());
        }
        if (!ctx.request().isEnded()) {
            ctx.request().resume(); // drain an unread body (e.g. after a 401) so the connection can be reused
        }
    }
}
