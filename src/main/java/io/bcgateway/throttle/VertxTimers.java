package io.bcgateway.throttle;

import java.time.Duration;

import io.vertx.core.Vertx;

/** {@link Timers} on Vert.x's timer wheel: no thread is held while a request waits. */
public final class VertxTimers implements Timers {

    private final Vertx vertx;

    public VertxTimers(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public long schedule(Duration delay, Runnable task) {
        return vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
    }

    @Override
    public void cancel(long handle) {
        vertx.cancelTimer(handle);
    }
}
