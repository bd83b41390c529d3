package io.bcgateway.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The caller's end of a relayed body: BC's answer is piped into it, optionally through a {@link BcLinkRewriter},
 * keeping back-pressure intact, one piece behind the upstream so that the last piece and the end of the body go out
 * together. Once the caller has gone (the answer closed or ended under the pipe), writes fail quietly instead of
 * throwing from inside the pipe: Vert.x's response throws on every call after that, which surfaced as an uncaught
 * ERROR with a stack trace per caller that hung up mid-body.
 */
final class CallerBodyStream implements WriteStream<Buffer> {

    private static final VertxException CALLER_GONE = new VertxException("the caller has gone", true);

    private final HttpServerResponse target;
    private final BcLinkRewriter rewriter; // null: the body passes unchanged
    /**
     * The latest piece, sent with the next one or with the end: a page that arrives in one piece then leaves in one
     * write with the chunked body's terminator, instead of one write for the data and another for the terminator.
     */
    private Buffer held;
    /**
     * A write to the caller failed: the connection is gone, even if Vert.x has not marked the response closed yet
     * (Netty fails the pending writes before it reports the channel inactive, and the pipe ends its destination
     * from inside that failure: without this, a cut-off answer was ended, and logged, as a complete one).
     */
    private boolean broken;

    CallerBodyStream(HttpServerResponse target, BcLinkRewriter rewriter) {
        this.target = target;
        this.rewriter = rewriter;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        target.exceptionHandler(handler);
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (callerGone()) {
            return Future.failedFuture(CALLER_GONE);
        }
        Buffer out = rewriter == null ? data : rewriter.process(data);
        if (out.length() == 0) {
            return Future.succeededFuture();
        }
        Buffer previous = held;
        held = out;
        return previous == null ? Future.succeededFuture() : watched(target.write(previous));
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public Future<Void> end() {
        if (callerGone()) {
            return Future.failedFuture(CALLER_GONE);
        }
        Buffer rest = rewriter == null ? null : rewriter.finish();
        if (rest != null && rest.length() == 0) {
            rest = null;
        }
        Buffer last = held;
        held = null;
        if (last == null) {
            return rest == null ? target.end() : target.end(rest);
        }
        if (rest == null) {
            return target.end(last);
        }
        watched(target.write(last));
        return target.end(rest);
    }

    private Future<Void> watched(Future<Void> write) {
        return write.onFailure(e -> broken = true);
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        end().onComplete(handler);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        target.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return !callerGone() && target.writeQueueFull();
    }

    private boolean callerGone() {
        return broken || target.ended() || target.closed();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        target.drainHandler(handler);
        return this;
    }
}
