package io.bcgateway.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;

/**
 * An in-process Business Central (API v2.0) and Entra ID token endpoint, for tests, demos and benchmarks.
 * A plain Vert.x-Web {@link Router}: mount it at "/" of a server, or as a sub-router under a prefix such as
 * "/sim"; every absolute URL it emits is built from the request's own scheme, host and mount point.
 *
 * <pre>
 * POST /{tenantId}/oauth2/v2.0/token                     Entra client-credentials grant
 * ANY  /v2.0/{env}/api/v2.0/...                          BC online
 * ANY  /v2.0/{tenantId}/{env}/api/v2.0/...               BC online, tenant in the path
 * ANY  /BC/api/v2.0/...                                  BC on-premises shape
 * ANY  /v2.0/{env}/api/microsoft/automation/v2.0/companies   automation API (companies only)
 * ANY  /v2.0/{env}/api/{publisher}/{group}/{version}/...    custom API (pages over the same tables as API v2.0)
 * ANY  .../subscriptions                                 webhook subscriptions, on API v2.0 and custom APIs ({@link Webhooks})
 * /_sim/...                                              control API (stats, settings, tokens, apps, request log, webhooks)
 * </pre>
 */
public final class BcSimulator {

    private static volatile EdmModel sharedModel;

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final AdjustableClock clock;
    private final SimulatorStats stats = new SimulatorStats();
    private final RequestLog requestLog = new RequestLog();
    private final TokenService tokens;
    private final EdmModel model;
    private final AttachmentContent attachments;
    private final PrincipalLimiter limiter;
    private final FaultInjector faults;
    private volatile EntityStore store;
    private final Webhooks webhooks;
    private final Router router;

    private BcSimulator(Vertx vertx, SimulatorSettings settings, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.clock = new AdjustableClock(clock);
        this.tokens = new TokenService(this.clock);
        this.model = model();
        this.store = SeedData.generate(model, settings);
        this.attachments = new AttachmentContent(vertx, this.clock);
        this.limiter = new PrincipalLimiter(vertx, settings, stats, this.clock);
        this.faults = new FaultInjector(settings);
        this.webhooks = new Webhooks(vertx, settings.webhooks(), () -> store, this.clock);
        this.router = buildRouter();
        tokens.awaitKey(); // generated in parallel with the metadata parsing and seeding above
    }

    public static BcSimulator create(Vertx vertx, SimulatorSettings settings) {
        return create(vertx, settings, Clock.systemUTC());
    }

    /** With an injectable clock, so tests can expire tokens by moving time instead of sleeping. */
    public static BcSimulator create(Vertx vertx, SimulatorSettings settings, Clock clock) {
        return new BcSimulator(vertx, settings, clock);
    }

    private static EdmModel model() {
        EdmModel m = sharedModel;
        if (m == null) {
            m = EdmModel.load(); // the 366 KB EDMX is immutable: parse it once per JVM
            sharedModel = m;
        }
        return m;
    }

    private Router buildRouter() {
        Router r = Router.router(vertx);
        new ControlApi(this).mount(r);
        new WebhookControl(webhooks).mount(r);
        r.route("/_sim/*").handler(ControlApi.notFound());
        r.route(HttpMethod.POST, "/:tenant/oauth2/v2.0/token")
                .handler(new EntraTokenEndpoint(vertx, settings, tokens, stats, requestLog, clock));
        new EntraDiscovery(settings, tokens).mount(r);
        BcApi bc = new BcApi(vertx, settings, tokens, stats, requestLog, clock, () -> store,
                new ODataService(model, () -> store, settings, clock, webhooks::changed), attachments, limiter, faults, webhooks.routes);
        r.route("/v2.0/*").handler(bc);
        r.route("/BC/*").handler(bc);
        return r;
    }

    /** The router serving everything; the same instance on every call. */
    public Router router() {
        return router;
    }

    public SimulatorSettings settings() {
        return settings;
    }

    public SimulatorStats stats() {
        return stats;
    }

    /** Regenerates all companies and entities from the current settings; stored attachments are deleted. */
    public void reseed() {
        store = SeedData.generate(model, settings);
        attachments.deleteAll();
    }

    /** Moves the simulator's time forward (token expiry, timestamps), for tests in another process. */
    public void advanceClock(Duration d) {
        clock.advance(d);
    }

    /** Invalidates every token issued so far; tokens issued afterwards are accepted. */
    public void revokeIssuedTokens() {
        tokens.revokeAllIssued();
    }

    /** When enabled, BC answers every request with 401, whatever the token. */
    public void rejectAllTokens(boolean enabled) {
        tokens.rejectAll(enabled);
    }

    /**
     * Back to a fresh state: reseeded data, zeroed stats, empty request log, tokens no longer rejected, empty
     * rate windows, no forced faults and every fault knob off, no webhook subscriptions, pending notifications or
     * logged deliveries. Limit settings are kept; requests running or
     * queued at the time keep their slots until they end.
     */
    public void resetAll() {
        reseed();
        limiter.resetWindows();
        faults.clear();
        settings.resetFaults();
        stats.reset();
        requestLog.clear();
        tokens.rejectAll(false);
        webhooks.reset();
    }

    /** Deletes the temp directory holding attachment content. */
    public void close() {
        webhooks.close();
        attachments.close();
    }

    TokenService tokens() {
        return tokens;
    }

    PrincipalLimiter limiter() {
        return limiter;
    }

    FaultInjector faults() {
        return faults;
    }

    RequestLog requestLog() {
        return requestLog;
    }
}
