package io.bcgateway.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Reads small request bodies without a router-wide BodyHandler (which would buffer attachment uploads too). */
final class Bodies {

    static final class TooLarge extends RuntimeException {
        TooLarge() { super("request body too large", null, false, false); }
    }

    private Bodies() { }

    static Future<Buffer> read(RoutingContext ctx, long maxBytes) {
        if (ctx.body().available()) {
            // A parent router (e.g. inside Quarkus) may already have read the body.
            Buffer b = ctx.body().buffer();
            return Future.succeededFuture(b == null ? Buffer.buffer() : b);
        }
        Promise<Buffer> promise = Promise.promise();
        Buffer acc = Buffer.buffer();
        var req = ctx.request();
        req.handler(chunk -> {
            if (acc.length() + chunk.length() > maxBytes) {
                promise.tryFail(new TooLarge());
            } else {
                acc.appendBuffer(chunk);
            }
        });
        req.exceptionHandler(promise::tryFail);
        req.endHandler(v -> promise.tryComplete(acc));
        req.resume();
        return promise.future();
    }
}
