package io.bcgateway.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/** Passes a body through a {@link NextLinkRewriter} on its way to the caller, keeping back-pressure intact. */
final class RewritingWriteStream implements WriteStream<Buffer> {

    private final WriteStream<Buffer> target;
    private final NextLinkRewriter rewriter;

    RewritingWriteStream(WriteStream<Buffer> target, NextLinkRewriter rewriter) {
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
        Buffer out = rewriter.process(data);
        return out.length() == 0 ? Future.succeededFuture() : target.write(out);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public Future<Void> end() {
        Buffer rest = rewriter.finish();
        return rest.length() == 0 ? target.end() : target.end(rest);
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
        return target.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        target.drainHandler(handler);
        return this;
    }
}
