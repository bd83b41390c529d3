package io.bcgateway.upstream;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;

/**
 * The side of a call that is not the engine's: what to send and what to do with the outcome. The pass-through
 * ({@code proxy.ProxyExchange}) and the gateway's own calls ({@code fanout.BcClient}) implement it; every method
 * runs on the call's event loop.
 */
public interface UpstreamExchange {

    HttpMethod method();

    /** The request target at BC (path and query). */
    String uri();

    /** The request's {@code If-Match}, or null: a PATCH with a concrete ETag is safe to repeat. */
    String ifMatch();

    /** Adds this request's headers to one attempt (the engine adds the token and the trace context after). */
    void prepare(HttpClientRequest upstream);

    /**
     * BC's final answer (not retried). Read whole, the running slot is already given back; unread
     * ({@link Delivery#STREAMED}), it is paused and the exchange must {@link UpstreamCall#relay relay} it or
     * {@link UpstreamCall#cancel cancel} the call.
     */
    void onAnswer(UpstreamCall call, UpstreamAnswer answer);

    /** No answer from BC will come: admission, token, breaker or transport failed, and no retry is left. */
    void onFailure(Throwable failure);

    /** The streamed answer's pipe ended ({@code complete}: the whole body went out). */
    default void onRelayEnded(boolean complete) {
    }
}
