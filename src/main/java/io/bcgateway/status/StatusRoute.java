package io.bcgateway.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

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
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator's status page: {@code GET /q/gateway/status} (JSON) and {@code /q/gateway/status.html} (the same
 * as a table), on the management interface (its own port) beside health and metrics. Per connection: its token
 * endpoint's URL, circuit state, retry budget use and BC's last error (status, code, request-id);
 * per principal: token held and until when (never the token), the last token failure, running and queued
 * requests and the quota used in the current window. Read from the gateway's state only: it makes no token
 * request and sends nothing to Business Central, so it can be polled freely.
 */
@ApplicationScoped
public class StatusRoute {

    static final String PATH = "/q/gateway/status";

    private final Connections connections;
    private final GatewayConfig config;
    private final ThrottleConfig throttle;
    private final Clock clock;

    @Inject
    public StatusRoute(Connections connections, GatewayConfig config, ThrottleConfig throttle, Clock clock) {
        this.connections = connections;
        this.config = config;
        this.throttle = throttle;
        this.clock = clock;
    }

    /** The page's routes on the gateway's own router, until (and unless) the management interface takes them. */
    private final List<Route> onMainRouter = new ArrayList<>();
    private boolean onManagementInterface;

    /**
     * Quarkus fires the main router first and the management interface after it, and the latter only when
     * {@code quarkus.management.enabled=true}. The page therefore starts on the main router and moves when the
     * management interface appears, so that it sits beside health and metrics in both set-ups and is never
     * reachable by callers of {@code /bc/*} while a management port exists.
     */
    synchronized void onMainRouter(@Observes Router router) {
        if (!onManagementInterface) {
            onMainRouter.addAll(register(router));
        }
    }

    synchronized void onManagementInterface(@Observes ManagementInterface management) {
        onManagementInterface = true;
        onMainRouter.forEach(Route::remove);
        onMainRouter.clear();
        register(management.router());
    }

    private List<Route> register(Router router) {
        return List.of(router.get(PATH).handler(rc -> rc.response().putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store").end(status().encodePrettily())),
                router.get(PATH + ".html").handler(this::html));
    }

    /** The whole status document. */
    JsonObject status() {
        JsonArray list = new JsonArray();
        for (Connection c : connections.all()) {
            list.add(connection(c));
        }
        return new JsonObject().put("time", clock.instant().toString()).put("connections", list);
    }

    private JsonObject connection(Connection c) {
        ConnectionConfig cc = config.connections().get(c.name());
        int rateLimit = cc == null ? throttle.rateLimit() : cc.limits().rateLimit().orElse(throttle.rateLimit());
        int maxRunning = cc == null ? throttle.maxRunning() : cc.limits().maxRunning().orElse(throttle.maxRunning());
        JsonArray principals = new JsonArray();
        for (Principal p : c.principals()) {
            TokenSource.Status token = p.tokens().status();
            principals.add(new JsonObject()
                    .put("name", c.metrics().principalName(p))
                    .put("token", new JsonObject()
                            .put("usable", token.usable())
                            .put("expiresAt", token.expiresAt() == null ? null : token.expiresAt().toString())
                            .put("lastFailure", token.lastFailure()))
                    .put("running", p.admission().running())
                    .put("maxRunning", maxRunning)
                    .put("queued", p.admission().queued())
                    .put("windowUsed", p.admission().sentInWindow())
                    .put("windowLimit", rateLimit));
        }
        ConnectionMetrics.BcError e = c.metrics().lastBcError();
        return new JsonObject()
                .put("name", c.name())
                .put("tokenEndpoint", cc == null ? null : TokenEndpoint.shown(TokenEndpoint.urlOf(cc)))
                .put("circuit", c.breaker().state().name().toLowerCase(java.util.Locale.ROOT))
                .put("retryBudgetUsed", c.retryBudget().retriesInWindow())
                .put("principals", principals)
                .put("lastBcError", e == null ? null : new JsonObject()
                        .put("status", e.status())
                        .put("code", e.code())
                        .put("requestId", e.requestId())
                        .put("at", e.at().toString()));
    }

    private void html(RoutingContext rc) {
        StringBuilder b = new StringBuilder(2048).append("<!doctype html><html><head><meta charset=\"utf-8\">")
                .append("<title>bc-gateway status</title><style>body{font-family:sans-serif}td,th{padding:2px 8px;")
                .append("border-bottom:1px solid #ddd;text-align:left}.down{color:#b00}</style></head><body>")
                .append("<h1>bc-gateway status</h1><p>").append(esc(Instant.now(clock).toString()))
                .append(" — <a href=\"status\">JSON</a></p><table><tr><th>connection</th><th>circuit</th>")
                .append("<th>principal</th><th>token endpoint</th><th>token expires</th><th>running</th><th>queued</th><th>window used</th>")
                .append("<th>last BC error</th></tr>");
        for (Object o : status().getJsonArray("connections")) {
            JsonObject c = (JsonObject) o;
            JsonObject e = c.getJsonObject("lastBcError");
            String error = e == null ? "—" : e.getInteger("status") + " " + (e.getString("code") == null ? ""
                    : e.getString("code")) + " request-id " + e.getString("requestId") + " at " + e.getString("at");
            for (Object po : c.getJsonArray("principals")) {
                JsonObject p = (JsonObject) po;
                JsonObject t = p.getJsonObject("token");
                String token = t.getBoolean("usable") ? t.getString("expiresAt")
                        : t.getString("lastFailure") != null ? t.getString("lastFailure") : "no token yet";
                boolean down = !"closed".equals(c.getString("circuit")) || t.getString("lastFailure") != null;
                b.append(down ? "<tr class=\"down\">" : "<tr>")
                        .append("<td>").append(esc(c.getString("name")))
                        .append("</td><td>").append(esc(c.getString("circuit")))
                        .append("</td><td>").append(esc(p.getString("name")))
                        .append("</td><td>").append(esc(c.getString("tokenEndpoint")))
                        .append("</td><td>").append(esc(token))
                        .append("</td><td>").append(p.getInteger("running")).append('/').append(p.getInteger("maxRunning"))
                        .append("</td><td>").append(p.getInteger("queued"))
                        .append("</td><td>").append(p.getInteger("windowUsed")).append('/').append(p.getInteger("windowLimit"))
                        .append("</td><td>").append(esc(error)).append("</td></tr>");
            }
        }
        b.append("</table></body></html>");
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(b.toString());
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
