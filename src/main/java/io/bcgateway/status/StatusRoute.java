package io.bcgateway.status;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.bcgateway.config.ConnectionConfig;
import io.bcgateway.config.GatewayConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Connections;
import io.bcgateway.connection.Principal;
import io.bcgateway.metrics.ConnectionMetrics;
import io.bcgateway.token.TokenEndpoint;
import io.bcgateway.token.TokenSource;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator's status page: {@code GET /q/gateway/status} (JSON), {@code /q/gateway/status.html} (the page that
 * shows it with bars, colours, the recent events and a chart: {@link StatusPage}), {@code /q/gateway/events} and
 * {@code /q/gateway/history} ({@link ActivityJson}), on the management interface (its own port) beside health and
 * metrics. Per connection: its token endpoint's URL, circuit state, retry budget use and BC's last error (status,
 * code, request-id); per principal: token held and until when (never the token), the last token failure, running
 * and queued requests and the quota used in the current window. Read from the gateway's state only: it makes no token
 * request and sends nothing to Business Central, so it can be polled freely.
 */
@ApplicationScoped
public class StatusRoute {

    static final String PATH = "/q/gateway/status";

    private final Connections connections;
    private final GatewayConfig config;
    private final ThrottleConfig throttle;
    private final Clock clock;
    /** Events, history and the page's extra fields (status page, issue 19). */
    @Inject
    ActivityJson activity;
    /** The webhooks' subscriptions, expiry and deliveries (issue 18); an empty list when none is configured. */
    @Inject
    io.bcgateway.webhooks.Webhooks webhooks;
    private final StatusPage page = new StatusPage();

    private final boolean managementEnabled;

    @Inject
    public StatusRoute(Connections connections, GatewayConfig config, ThrottleConfig throttle, Clock clock,
            @ConfigProperty(name = "quarkus.management.enabled", defaultValue = "false") boolean managementEnabled) {
        this.managementEnabled = managementEnabled;
        this.connections = connections;
        this.config = config;
        this.throttle = throttle;
        this.clock = clock;
    }

    /**
     * Beside health and metrics: on the management interface when it is on ({@code quarkus.management.enabled}, a
     * build-time setting, so it is known before any router exists), else on the gateway's own router. Quarkus fires
     * the management interface's event only when it is on.
     */
    void onMainRouter(@Observes Router router) {
        if (!managementEnabled) {
            register(router);
        }
    }

    void onManagementInterface(@Observes ManagementInterface management) {
        register(management.router());
    }

    private void register(Router router) {
        router.get(PATH).handler(rc -> json(rc, status()));
        router.get(PATH + ".html").handler(page::serve);
        router.get("/q/gateway/events").handler(rc -> json(rc, activity.events()));
        router.get("/q/gateway/history").handler(rc -> json(rc, activity.history()));
    }

    private static void json(RoutingContext rc, JsonObject body) {
        rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }

    /** The whole status document. */
    JsonObject status() {
        JsonArray list = new JsonArray();
        for (Connection c : connections.all()) {
            list.add(connection(c));
        }
        return new JsonObject().put("time", clock.instant().toString()).put("connections", list)
                .put("webhooks", webhooks.status());
    }

    private JsonObject connection(Connection c) {
        ConnectionConfig cc = config.connections().get(c.name());
        int rateLimit = cc == null ? throttle.rateLimit() : cc.limits().rateLimit().orElse(throttle.rateLimit());
        int maxRunning = cc == null ? throttle.maxRunning() : cc.limits().maxRunning().orElse(throttle.maxRunning());
        JsonArray principals = new JsonArray();
        for (Principal p : c.principals()) {
            TokenSource.Status token = p.tokens().status();
            principals.add(activity.addTo(new JsonObject()
                    .put("name", c.metrics().principalName(p))
                    .put("token", new JsonObject()
                            .put("usable", token.usable())
                            .put("expiresAt", token.expiresAt() == null ? null : token.expiresAt().toString())
                            .put("lastFailure", token.lastFailure()))
                    .put("running", p.admission().running())
                    .put("maxRunning", maxRunning)
                    .put("queued", p.admission().queued())
                    .put("windowUsed", p.admission().sentInWindow())
                    .put("windowLimit", rateLimit), c, p, c.metrics().principalName(p)));
        }
        ConnectionMetrics.BcError e = c.metrics().lastBcError();
        return activity.addTo(new JsonObject()
                .put("name", c.name())
                .put("tokenEndpoint", cc == null ? null : TokenEndpoint.shown(TokenEndpoint.urlOf(cc)))
                .put("circuit", c.breaker().state().name().toLowerCase(java.util.Locale.ROOT))
                .put("retryBudgetUsed", c.retryBudget().retriesInWindow())
                .put("principals", principals)
                .put("lastBcError", e == null ? null : new JsonObject()
                        .put("status", e.status())
                        .put("code", e.code())
                        .put("requestId", e.requestId())
                        .put("at", e.at().toString())), c);
    }
}
