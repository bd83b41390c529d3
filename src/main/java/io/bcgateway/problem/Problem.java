package io.bcgateway.problem;

import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * An error produced by the gateway itself, answered as RFC 9457 {@code application/problem+json}. Errors produced
 * by Business Central are never wrapped: they pass through unchanged.
 *
 * <p>The {@code type} URIs are stable: callers may switch on them. Details must never carry a token, a secret or
 * an upstream answer verbatim.
 */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:bc-gateway:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final Map<String, Object> extensions = new TreeMap<>();
    private Long retryAfterSeconds;

    private Problem(int status, String type, String title, String detail) {
        this.status = status;
        this.type = TYPE_PREFIX + type;
        this.title = title;
        this.detail = detail;
    }

    public static Problem of(int status, String type, String title, String detail) {
        return new Problem(status, type, title, detail);
    }

    /** Adds a member such as {@code connection} or {@code aadstsCode}; null values are left out. */
    public Problem with(String member, Object value) {
        if (value != null) {
            extensions.put(member, value);
        }
        return this;
    }

    /** Sets a {@code Retry-After} header (seconds) on the answer. */
    public Problem retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public int status() {
        return status;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("type", type).put("title", title).put("status", status);
        if (detail != null) {
            json.put("detail", detail);
        }
        extensions.forEach(json::put);
        return json;
    }

    /** Writes this problem as the whole answer, unless the answer has already begun. */
    public void send(HttpServerResponse response) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", MEDIA_TYPE).putHeader("Cache-Control", "no-store");
        if (retryAfterSeconds != null) {
            response.putHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        response.end(toJson().toBuffer());
    }
}
