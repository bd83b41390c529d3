package io.bcgateway.fanout;

import java.util.ArrayList;
import java.util.List;

import io.bcgateway.connection.Connection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Streams one fan-out answer: an OData-style collection whose rows arrive from many targets, followed by a
 * summary and the list of what failed.
 *
 * <pre>{"@odata.context":"…","value":[…rows…],"@gateway.targets":10,"@gateway.succeeded":9,
 * "@gateway.rows":1234,"@gateway.failures":[{"connection":…,"companyId":…,"status":…,"error":…}]}</pre>
 *
 * The status line goes out with the first row, as 200: a partial result is then stated by
 * {@code @gateway.failures}, never silent. When no row came and every target failed, the answer is 502 with the
 * same body. Back-pressure: producers check {@link #congested()} and wait for {@link #whenDrained}.
 */
final class FanoutWriter {

    private static final String CONTENT_TYPE = "application/json; odata.metadata=minimal";

    private final HttpServerResponse response;
    private String context;
    private final List<Runnable> waitingForDrain = new ArrayList<>();
    private final JsonArray failures = new JsonArray();
    private boolean started;
    private long rows;

    /** The gateway's address as the caller reached it, for BC's context URL (see {@link #contextIfAbsent}). */
    private final String gatewayBase;

    FanoutWriter(HttpServerResponse response, String context, String gatewayBase) {
        this.response = response;
        this.context = context;
        this.gatewayBase = gatewayBase;
    }

    /**
     * Uses BC's own context URL (a plain all-pages read) when none was given, pointed at the gateway as the
     * pass-through rewrites it: the caller holds no token for BC's address, and it would leak BC's host, tenant and
     * environment.
     */
    void contextIfAbsent(Connection connection, String pageContext) {
        if (context == null && pageContext != null) {
            context = connection.endpoint().restOf(pageContext)
                    .map(rest -> gatewayBase + "/bc/" + connection.name() + "/" + rest).orElse(pageContext);
        }
    }

    /** Writes rows, each prefixed with {@code tags} (a JSON member list ending in a comma, or empty). */
    void rows(List<Buffer> page, Buffer tags) {
        if (page.isEmpty() || response.closed()) {
            return;
        }
        Buffer out = Buffer.buffer(estimate(page, tags));
        if (!started) {
            begin(200);
            out.appendString("{\"@odata.context\":").appendString(quote(context)).appendString(",\"value\":[");
        }
        for (Buffer row : page) {
            if (rows++ > 0) {
                out.appendByte((byte) ',');
            }
            if (tags.length() > 0 && row.length() > 1 && row.getByte(0) == '{') {
                out.appendByte((byte) '{').appendBuffer(tags);
                if (isEmptyObject(row)) {
                    out.setByte(out.length() - 1, (byte) '}');
                } else {
                    out.appendBuffer(row, 1, row.length() - 1);
                }
            } else {
                out.appendBuffer(row);
            }
        }
        response.write(out);
    }

    void failure(JsonObject failure) {
        failures.add(failure);
    }

    boolean congested() {
        return response.writeQueueFull();
    }

    /** Runs {@code next} once the caller has taken what was written. */
    void whenDrained(Runnable next) {
        waitingForDrain.add(next);
        if (waitingForDrain.size() == 1) {
            response.drainHandler(v -> {
                List<Runnable> ready = new ArrayList<>(waitingForDrain);
                waitingForDrain.clear();
                ready.forEach(Runnable::run);
            });
        }
    }

    boolean closed() {
        return response.closed();
    }

    /** Ends the answer with the summary members. */
    void finish(int targets, int succeeded) {
        if (response.closed() || response.ended()) {
            return;
        }
        Buffer out = Buffer.buffer(256);
        if (!started) {
            begin(targets > 0 && succeeded == 0 ? 502 : 200);
            out.appendString("{\"@odata.context\":").appendString(quote(context)).appendString(",\"value\":[");
        }
        out.appendString("],\"@gateway.targets\":").appendString(Integer.toString(targets))
                .appendString(",\"@gateway.succeeded\":").appendString(Integer.toString(succeeded))
                .appendString(",\"@gateway.rows\":").appendString(Long.toString(rows))
                .appendString(",\"@gateway.failures\":").appendBuffer(failures.toBuffer()).appendString("}");
        response.end(out);
    }

    private void begin(int status) {
        started = true;
        response.setStatusCode(status).setChunked(true).putHeader("Content-Type", CONTENT_TYPE);
    }

    private static boolean isEmptyObject(Buffer row) {
        for (int i = 1; i < row.length(); i++) {
            byte b = row.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '}';
            }
        }
        return true;
    }

    private static int estimate(List<Buffer> page, Buffer tags) {
        int n = 64;
        for (Buffer row : page) {
            n += row.length() + tags.length() + 1;
        }
        return n;
    }

    static String quote(String s) {
        return s == null ? "null" : io.vertx.core.json.Json.encode(s);
    }
}
