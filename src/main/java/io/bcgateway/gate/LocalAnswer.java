package io.bcgateway.gate;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.bcgateway.connection.Connection;
import io.bcgateway.problem.Problem;
import io.bcgateway.proxy.AccessLog;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * An answer the gateway gives from what it already has (a coalesced read's shared answer, an idempotent write's
 * record): the caller still gets its own request metrics and access-log line, with 0 attempts at BC.
 */
public final class LocalAnswer {

    /** Headers that describe one message's framing, not the answer: each answer gets its own. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive");

    private LocalAnswer() {
    }

    /** Sends {@code status}, the answer {@code headers} and {@code body}, and accounts for the request. */
    public static void send(HttpServerRequest request, String caller, Connection connection, long startNanos,
            int status, MultiMap headers, Buffer body) {
        HttpServerResponse response = request.response();
        if (!open(request, caller, connection, startNanos)) {
            return;
        }
        response.setStatusCode(status);
        for (Map.Entry<String, String> h : headers) {
            if (!FRAMING.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(h.getKey(), h.getValue());
            }
        }
        response.end(body == null ? Buffer.buffer(0) : body);
    }

    /** Sends the gateway's {@code problem} and accounts for the request. */
    public static void send(HttpServerRequest request, String caller, Connection connection, long startNanos,
            Problem problem) {
        if (open(request, caller, connection, startNanos)) {
            problem.send(request.response());
        }
    }

    /** Resumes the request and arranges its accounting; false when the caller has gone already. */
    private static boolean open(HttpServerRequest request, String caller, Connection connection, long startNanos) {
        HttpServerResponse response = request.response();
        request.resume();
        if (response.ended() || response.closed()) {
            account(request, caller, connection, startNanos, 0);
            return false;
        }
        response.endHandler(v -> account(request, caller, connection, startNanos, response.getStatusCode()));
        return true;
    }

    private static void account(HttpServerRequest request, String caller, Connection connection, long startNanos,
            int status) {
        connection.metrics().requestEnded(request.method(), status, null, startNanos, request.bytesRead(),
                request.response().bytesWritten());
        if (AccessLog.enabled()) {
            AccessLog.log(request.method().name(), connection.name(), request.path(), status, startNanos, 0, null,
                    caller);
        }
    }
}
