package io.bcgateway.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

/**
 * Runs a continuation on the caller's event loop, whatever thread completed the future (the OIDC client and
 * SmallRye Fault Tolerance complete on their own). Already complete on the right loop: runs at once.
 */
public final class ContextHop {

    private ContextHop() {
    }

    public static <T> void onContext(Context context, Future<T> future, Handler<AsyncResult<T>> handler) {
        if (future.isComplete() && Vertx.currentContext() == context) {
            handler.handle(future);
            return;
        }
        future.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                handler.handle(ar);
            } else {
                context.runOnContext(v -> handler.handle(ar));
            }
        });
    }
}
