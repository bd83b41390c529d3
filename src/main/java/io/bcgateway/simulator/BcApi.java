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

    BcApi(io.vertx.core.Vertx vertx, SimulatorSettings settings, TokenService tokens, SimulatorStats stats, RequestLog log, Clock clock,
          Supplier<EntityStore> store, ODataService service, AttachmentContent attachments) {
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
    }

    /** Where a URL points: environment, optional tenant, API, and the raw API root and resource path. */
    record Target(String tenant, String environment, ODataRequest.Api api, String rawRoot, String resourcePath) {

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
            } else {
                return null;
            }
            String root = "/" + String.join("/", p.subList(0, rootEnd));
            String rest = String.join("/", p.subList(rootEnd, p.size()));
            return new Target(tenant, env, api, root, rest);
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
            log.add(new RequestLog.Entry("bc", method, relPath, query, ctx.response().getStatusCode(), clock.millis()));
        });
        ctx.response().putHeader("request-id", correlationId);

        Target target = Target.parse(relPath);
        if (target == null) {
            String[] parts = relPath.split("/");
            fail(ctx, BcException.segmentNotFound(parts.length == 0 ? "" : parts[parts.length - 1]), correlationId);
            return;
        }
        String role = target.api() == ODataRequest.Api.STANDARD ? "API.ReadWrite.All" : "Automation.ReadWrite.All";
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
        if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
            ctx.response().writeContinue();
        }
        String apiRoot = Paths.base(ctx) + target.rawRoot();
        UUID[] media = mediaTarget(target);
        if (media != null) {
            attachments.handle(ctx, store.get(), media[0], media[1], correlationId);
            return;
        }
        boolean isBatch = target.resourcePath().equals("$batch") || target.resourcePath().equals("%24batch");
        boolean hasBody = isBatch || method.equals("POST") || method.equals("PATCH") || method.equals("PUT");
        if (!hasBody) {
            respond(ctx, run(ctx, target, apiRoot, null, false, correlationId));
            return;
        }
        Bodies.read(ctx, MAX_JSON_BODY_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, new BcException(413, "RequestEntityTooLarge", "The request body is too large."), correlationId);
                return;
            }
            respond(ctx, run(ctx, target, apiRoot, ar.result(), isBatch, correlationId));
        });
    }

    private ODataResponse run(RoutingContext ctx, Target target, String apiRoot, Buffer body, boolean isBatch, String correlationId) {
        HttpServerRequest req = ctx.request();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
        ODataRequest op = new ODataRequest(req.method().name(), target.api(), apiRoot, target.resourcePath(), req.query(), headers, body);
        return isBatch ? batch.handle(op, correlationId) : service.handle(op, correlationId);
    }

    /** Answers after the configured latency, keeping the request in flight meanwhile. */
    private void respond(RoutingContext ctx, ODataResponse r) {
        int latency = settings.latencyMillis();
        if (latency <= 0) {
            write(ctx, r);
        } else {
            vertx.setTimer(latency, id -> write(ctx, r));
        }
    }

    /** companies({c})/documentAttachments({a})/attachmentContent, else null. */
    private static UUID[] mediaTarget(Target t) {
        if (t.api() != ODataRequest.Api.STANDARD || !t.resourcePath().endsWith("/attachmentContent")) return null;
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
