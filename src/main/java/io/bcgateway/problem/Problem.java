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
 *
 * <p>OData clients (Apache Olingo, the .NET OData client, Power Query) look for an OData error, not a problem, and
 * showed the gateway's errors with code and message null. So every problem also carries an OData v4 {@code error}
 * member (OData JSON Format section 21): {@code code} is the {@link ProblemType}'s stable code (for example
 * {@code Gateway_UnknownConnection}) and {@code message} the problem's detail (its title when it has none).
 */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:bc-gateway:problem:";

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final String odataCode;
    private final Map<String, Object> extensions = new TreeMap<>();
    private Long retryAfterSeconds;

    private Problem(int status, String type, String title, String detail) {
        this.status = status;
        this.type = TYPE_PREFIX + type;
        this.title = title;
        this.detail = detail;
        this.odataCode = ProblemType.odataCodeOf(type);
    }

    /** @param type the {@link ProblemType#slug()}, for example {@code unknown-connection} */
    public static Problem of(int status, String type, String title, String detail) {
        return new Problem(status, type, title, detail);
    }

    public static Problem of(int status, ProblemType type, String title, String detail) {
        return new Problem(status, type.slug(), title, detail);
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
        json.put("error", new JsonObject().put("code", odataCode).put("message", detail != null ? detail : title));
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
