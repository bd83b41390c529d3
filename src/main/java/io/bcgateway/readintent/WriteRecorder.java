package io.bcgateway.readintent;

import java.util.function.UnaryOperator;

import io.bcgateway.gate.AnswerTap;
import io.bcgateway.problem.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/** Watches a write without an idempotency key for its success, to start the read-your-writes window. */
public final class WriteRecorder implements AnswerTap {

    private final Runnable afterSuccess;

    public WriteRecorder(Runnable afterSuccess) {
        this.afterSuccess = afterSuccess;
    }

    @Override
    public WriteStream<Buffer> streamed(HttpServerResponse response, WriteStream<Buffer> toCaller,
            UnaryOperator<Buffer> rewrite) {
        return toCaller;
    }

    @Override
    public void whole(HttpServerResponse response, Buffer body) {
    }

    @Override
    public void failed(Throwable failure, Problem problem) {
    }

    /**
     * A 2xx says BC committed the write; a broken answer, a timeout or a 5xx may still have, so they count too (the
     * cost of a wrong guess is only a few reads on the primary). A 4xx or a write never sent did not change anything.
     */
    @Override
    public void ended(int status, int attempts) {
        if (attempts > 0 && (status < 400 || status >= 500)) {
            afterSuccess.run();
        }
    }
}
