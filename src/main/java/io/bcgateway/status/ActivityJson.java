package io.bcgateway.status;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Connections;
import io.bcgateway.connection.Principal;
import io.bcgateway.token.TokenSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The JSON behind the status page beyond the plain state: the recent events ({@code GET /q/gateway/events}), the
 * 15-minute history ({@code GET /q/gateway/history}) and the fields the page adds to {@code /q/gateway/status}
 * (since when the circuit is in its state, the token's last refresh and back-off, the queue's limit). Times are
 * ISO-8601 instants to the millisecond; the page shows them in the browser's time zone. Never a token or secret:
 * only names, counts, statuses, codes and instants.
 */
@Singleton
public class ActivityJson {

    /** Events the page lists. */
    static final int EVENTS_SHOWN = 20;

    private final EventLog events;
    private final History history;
    private final Connections connections;
    private final ThrottleConfig throttle;
    private final Clock clock;

    @Inject
    public ActivityJson(EventLog events, History history, Connections connections, ThrottleConfig throttle,
            Clock clock) {
        this.events = events;
        this.history = history;
        this.connections = connections;
        this.throttle = throttle;
        this.clock = clock;
    }

    /** The events that happened last, newest first; a fold shows its first ({@code at}) and last time. */
    public JsonObject events() {
        JsonArray list = new JsonArray();
        for (EventLog.Event e : events.latest(EVENTS_SHOWN)) {
            list.add(new JsonObject()
                    .put("at", iso(e.at()))
                    .put("lastAt", iso(e.lastAt()))
                    .put("kind", e.kind().wire())
                    .put("connection", e.connection())
                    .put("principal", e.principal())
                    .put("detail", e.detail())
                    .put("repeats", e.repeats()));
        }
        return new JsonObject().put("time", iso(clock.instant())).put("events", list);
    }

    /**
     * The last 15 minutes per connection, oldest first: {@code [bucket start (epoch ms), requests, BC 429s, p95 ms
     * (-1: no requests)]} per 10-second bucket, arrays rather than objects to keep the page's poll small.
     */
    public JsonObject history() {
        JsonArray list = new JsonArray();
        for (Connection c : connections.all()) {
            JsonArray points = new JsonArray();
            for (History.Point p : history.points(c.name())) {
                points.add(new JsonArray().add(p.start()).add(p.requests()).add(p.bc429()).add(p.p95Millis()));
            }
            list.add(new JsonObject().put("name", c.name()).put("points", points));
        }
        return new JsonObject().put("time", iso(clock.instant())).put("bucketSeconds", History.BUCKET_SECONDS)
                .put("connections", list);
    }

    /** Adds since when the circuit is in its state to a connection of {@code /q/gateway/status}. */
    public JsonObject addTo(JsonObject connection, Connection c) {
        return connection.put("circuitSince", iso(events.circuitSince(c.name())));
    }

    /** Adds the token's last refresh and back-off, and the queue's limit, to a principal of the status. */
    public JsonObject addTo(JsonObject principal, Connection c, Principal p, String name) {
        TokenSource.Backoff backoff = p.tokens().backoff();
        JsonObject token = principal.getJsonObject("token");
        if (token != null) {
            token.put("lastRefresh", iso(events.lastTokenRefresh(c.name(), name)))
                    .put("failures", backoff.failures())
                    .put("backoffUntil", iso(backoff.retryAt()));
        }
        return principal.put("maxQueued", throttle.maxQueued());
    }

    private static String iso(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
