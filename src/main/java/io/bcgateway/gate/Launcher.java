package io.bcgateway.gate;

import io.vertx.core.buffer.Buffer;

/** Starts the pass-through exchange for a request the {@link ExchangeGate} let through; on the request's context. */
@FunctionalInterface
public interface Launcher {

    /**
     * @param content the request body when the gate has read it (an idempotent write), else null: it travels as it came
     * @param tap who sees the answer, or null
     */
    void launch(Buffer content, AnswerTap tap);
}
