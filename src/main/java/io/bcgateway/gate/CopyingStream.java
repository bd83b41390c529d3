package io.bcgateway.gate;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A stream in front of the caller's that keeps a copy of what passes, up to a limit; past it the copy is dropped
 * (and {@link #overflowed()} says so) while the caller's stream goes on unchanged. The copy lives on the exchange's
 * event loop only.
 */
public final class CopyingStream implements WriteStream<Buffer> {

    private final WriteStream<Buffer> target;
    private final int limit;
    private final Runnable onOverflow;
    private Buffer copy = Buffer.buffer();
    private boolean ended;

    /** @param onOverflow run once when the copy passes {@code limit} (null: nothing to do) */
    public CopyingStream(WriteStream<Buffer> target, int limit, Runnable onOverflow) {
        this.target = target;
        this.limit = limit;
        this.onOverflow = onOverflow;
    }

    /** The whole body that passed, or null if it passed the limit or has not ended. */
    public Buffer copy() {
        return ended ? copy : null;
    }

    public boolean overflowed() {
        return copy == null;
    }

    private void keep(Buffer data) {
        if (copy == null) {
            return;
        }
        if (copy.length() + data.length() > limit) {
            copy = null;
            if (onOverflow != null) {
                onOverflow.run();
            }
            return;
        }
        copy.appendBuffer(data);
    }

    @Override
    public Future<Void> write(Buffer data) {
        keep(data);
        return target.write(data);
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    @Override
    public Future<Void> end() {
        ended = true;
        return target.end();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        end().onComplete(handler);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        target.exceptionHandler(handler);
        return this;
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
