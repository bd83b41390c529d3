package io.bcgateway.fanout;

import java.time.Instant;

import io.bcgateway.connection.Connection;
import io.bcgateway.upstream.Body;
import io.bcgateway.upstream.Delivery;
import io.bcgateway.upstream.UpstreamAnswer;
import io.bcgateway.upstream.UpstreamCall;
import io.bcgateway.upstream.UpstreamEngine;
import io.bcgateway.upstream.UpstreamExchange;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Calls BC on the gateway's own behalf (fan-out pages, company lists, batch chunks) through the same
 * {@link UpstreamEngine} as the pass-through (per-principal admission, the connection's token, its circuit breaker,
 * one token replay after a 401, retries), with the buffered strategy: answers are read whole, so callers keep them
 * small (bounded page sizes, 100-operation batches).
 */
public final class BcClient {

    /** BC's answer, read whole. */
    public record Answer(int status, MultiMap headers, Buffer body) {
        /** BC's {@code error} object when the body is one, otherwise a short description. */
        public Object errorJson() {
            try {
                JsonObject json = new JsonObject(body);
                return json.containsKey("error") ? json.getValue("error") : json;
            } catch (RuntimeException notJson) {
                return new JsonObject().put("code", "gateway.non-json-error")
                        .put("message", "Business Central answered " + status + " without a JSON body");
            }
        }

        /** {@code error.code} of a BC error body, or null. */
        public String bcErrorCode() {
            try {
                JsonObject error = new JsonObject(body).getJsonObject("error");
                return error == null ? null : error.getString("code");
            } catch (RuntimeException notJson) {
                return null;
            }
        }
    }

    private final UpstreamEngine engine;

    public BcClient(UpstreamEngine engine) {
        this.engine = engine;
    }

    /**
     * Sends {@code method uri} (the upstream request target) with {@code headers} and {@code body} (may be null),
     * retrying what may be retried until {@code deadline}. Completes on {@code context}; fails only when BC never
     * answered (the failure is then a token, admission, breaker or transport exception).
     */
    public Future<Answer> call(Context context, Connection connection, HttpMethod method, String uri,
            MultiMap headers, Buffer body, Instant deadline) {
        Call call = new Call(method, uri, headers);
        engine.call(context, connection, call, body == null ? Body.NONE : Body.of(body, true), Delivery.BUFFERED,
                deadline).start();
        return call.promise.future();
    }

    /** One call's request and its promise: the engine does the rest. */
    private static final class Call implements UpstreamExchange {
        private final HttpMethod method;
        private final String uri;
        private final MultiMap headers;
        private final Promise<Answer> promise = Promise.promise();

        Call(HttpMethod method, String uri, MultiMap headers) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
        }

        @Override
        public HttpMethod method() {
            return method;
        }

        @Override
        public String uri() {
            return uri;
        }

        @Override
        public String ifMatch() {
            return headers.get(HttpHeaders.IF_MATCH);
        }

        @Override
        public void prepare(HttpClientRequest upstream) {
            upstream.headers().addAll(headers);
        }

        @Override
        public void onAnswer(UpstreamCall call, UpstreamAnswer answer) {
            promise.complete(new Answer(answer.status(), answer.headers(), answer.body()));
        }

        @Override
        public void onFailure(Throwable failure) {
            promise.fail(failure);
        }
    }
}
