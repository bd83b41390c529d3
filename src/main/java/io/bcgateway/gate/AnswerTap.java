package io.bcgateway.gate;

import java.util.function.UnaryOperator;

import io.bcgateway.problem.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * What the pass-through tells a feature that needs to see the answer a caller got: an idempotent write keeps it,
 * a coalesced read hands it to its waiters, a write marks its company as recently written. Every method runs on the
 * exchange's event loop, in this order: at most one of {@link #streamed}, {@link #whole} or {@link #failed} (the
 * answer's head is decided), then {@link #ended} exactly once.
 */
public interface AnswerTap {

    /**
     * BC's answer goes to the caller streamed; {@code response} carries its final status and headers.
     *
     * @param toCaller where BC's body is piped
     * @param rewrite how a whole body is rewritten on its way to the caller (BC's addresses), or null
     * @return the stream to pipe BC's body into: {@code toCaller}, or a copy-taking stream in front of it
     */
    WriteStream<Buffer> streamed(HttpServerResponse response, WriteStream<Buffer> toCaller,
            UnaryOperator<Buffer> rewrite);

    /** BC's answer, read whole (a 429 or 5xx), is about to go to the caller as {@code body}. */
    void whole(HttpServerResponse response, Buffer body);

    /** No answer from BC: the gateway answers {@code problem}; {@code failure} says why. */
    void failed(Throwable failure, Problem problem);

    /**
     * The exchange is over.
     *
     * @param status the status that went out whole, 0 if the answer did not (the caller hung up, the body broke off)
     * @param attempts requests sent to BC (0: BC never saw it)
     */
    void ended(int status, int attempts);
}
