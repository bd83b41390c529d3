package io.bcgateway.fanout;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.bcgateway.connection.Connection;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.bcgateway.proxy.ContextHop;
import io.bcgateway.proxy.HeaderFilter;
import io.bcgateway.proxy.UpstreamFailures;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A {@code $batch} of more than BC's 100 operations (bc-facts: more is a 400) sent as consecutive chunks of 100,
 * the answers put back together in the original order. Chunks go one after another, so an operation still runs
 * after the ones before it.
 *
 * <p>Not split, but refused with 400: a batch with {@code Isolation: snapshot} (one transaction cannot become
 * several) and one whose {@code dependsOn} crosses a chunk boundary. A chunk BC refuses as a whole (or that never
 * got an answer) yields one answer per operation of that chunk, carrying the chunk's status and error, so every
 * operation's fate is stated.
 */
final class BatchSplitter {

    static final int BC_MAX_OPERATIONS = 100;

    private final BcClient client;
    private final Clock clock;
    private final Duration callDeadline;

    BatchSplitter(BcClient client, Clock clock, Duration callDeadline) {
        this.client = client;
        this.clock = clock;
        this.callDeadline = callDeadline;
    }

    /** Splits and sends {@code batch}, whose {@code requests} number more than 100, and answers the caller. */
    void send(HttpServerRequest request, Connection connection, String upstreamUri, JsonArray requests) {
        if ("snapshot".equalsIgnoreCase(request.getHeader("Isolation"))) {
            Problems.badRequest(connection.name(), "a $batch with Isolation: snapshot is one transaction and BC takes "
                    + "at most 100 operations; it cannot be split (send at most 100)").send(request.response());
            return;
        }
        List<JsonArray> chunks = chunks(requests);
        String crossing = crossChunkDependency(chunks);
        if (crossing != null) {
            Problems.badRequest(connection.name(), crossing).send(request.response());
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyRequestHeaders(request.headers(), headers);
        headers.remove("Content-Length");
        headers.set("Content-Type", "application/json");
        JsonArray responses = new JsonArray();
        sendChunk(Vertx.currentContext(), request, connection, upstreamUri, headers, chunks, 0, responses);
    }

    /** {@code requests} cut into consecutive chunks of at most 100 operations, in their order. */
    static List<JsonArray> chunks(JsonArray requests) {
        List<JsonArray> chunks = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (i % BC_MAX_OPERATIONS == 0) {
                chunks.add(new JsonArray());
            }
            chunks.get(chunks.size() - 1).add(requests.getValue(i));
        }
        return chunks;
    }

    /**
     * Why the chunks cannot be sent one after another (a {@code dependsOn} into another chunk, or one that is not a
     * list), or null.
     */
    static String crossChunkDependency(List<JsonArray> chunks) {
        Map<String, Integer> chunkOf = new HashMap<>();
        for (int c = 0; c < chunks.size(); c++) {
            for (Object o : chunks.get(c)) {
                Object id = ((JsonObject) o).getValue("id");
                if (id != null) {
                    chunkOf.put(String.valueOf(id), c);
                }
            }
        }
        for (int c = 0; c < chunks.size(); c++) {
            for (Object o : chunks.get(c)) {
                Object dependsOn = ((JsonObject) o).getValue("dependsOn");
                if (dependsOn == null) {
                    continue;
                }
                if (!(dependsOn instanceof JsonArray depends)) { // getJsonArray would throw in the body handler
                    return "operation '" + ((JsonObject) o).getValue("id") + "': dependsOn must be a list of ids";
                }
                for (Object d : depends) {
                    Integer other = chunkOf.get(String.valueOf(d));
                    if (other != null && other != c) {
                        return "operation dependsOn '" + d + "' in another chunk of 100; keep dependent operations "
                                + "within the same 100";
                    }
                }
            }
        }
        return null;
    }

    private void sendChunk(Context context, HttpServerRequest request, Connection connection, String uri,
            MultiMap headers, List<JsonArray> chunks, int index, JsonArray responses) {
        if (index == chunks.size()) {
            request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("responses", responses).toBuffer());
            return;
        }
        JsonArray chunk = chunks.get(index);
        Buffer body = new JsonObject().put("requests", chunk).toBuffer();
        ContextHop.onContext(context, client.call(context, connection, HttpMethod.POST, uri, headers, body,
                clock.instant().plus(callDeadline)), ar -> {
                    if (ar.failed()) {
                        Problem p = UpstreamFailures.toProblem(connection, ar.cause());
                        failAll(chunk, p.status(), p.toJson(), responses);
                    } else if (ar.result().status() != 200) {
                        failAll(chunk, ar.result().status(), ar.result().errorJson(), responses);
                    } else {
                        JsonArray got = answersOf(ar.result());
                        if (got == null) {
                            failAll(chunk, 502, new JsonObject().put("code", "gateway.unreadable-batch")
                                    .put("message", "Business Central's $batch answer has no responses"), responses);
                        } else {
                            got.forEach(responses::add);
                        }
                    }
                    sendChunk(context, request, connection, uri, headers, chunks, index + 1, responses);
                });
    }

    static void failAll(JsonArray chunk, int status, Object error, JsonArray responses) {
        for (Object o : chunk) {
            responses.add(new JsonObject().put("id", ((JsonObject) o).getValue("id")).put("status", status)
                    .put("headers", new JsonObject().put("Content-Type", "application/json"))
                    .put("body", new JsonObject().put("error", error)));
        }
    }

    private static JsonArray answersOf(BcClient.Answer answer) {
        try {
            return new JsonObject(answer.body()).getJsonArray("responses");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
