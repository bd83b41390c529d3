package io.bcgateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body whole, up to a limit: refused from the declared {@code Content-Length} before a byte is
 * read, or as soon as the bytes that arrived pass the limit (a chunked body declares nothing). For the features
 * that must see a whole body before they act (an idempotent write's fingerprint, a webhook notification); the
 * pass-through streams instead ({@link RequestBody}).
 */
public final class BoundedBody {

    /** The body is larger than the limit; nothing past the limit was kept. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(int limit) {
            super("request body larger than " + limit + " bytes", null, false, false);
        }
    }

    private BoundedBody() {
    }

    /**
     * The whole body, or a failure: {@link TooLarge} past {@code limit}, otherwise the request's own failure (the
     * caller hung up). A {@code Content-Length} that is not a number counts as too large (Netty's decoder refuses
     * most of those before any handler runs).
     */
    public static Future<Buffer> read(HttpServerRequest request, int limit) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declared(length) > limit) {
            return Future.failedFuture(new TooLarge(limit));
        }
        Promise<Buffer> whole = Promise.promise();
        Buffer content = Buffer.buffer();
        request.handler(chunk -> {
            if (content.length() + chunk.length() > limit) {
                request.handler(null);
                whole.tryFail(new TooLarge(limit));
            } else {
                content.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(whole::tryFail);
        request.endHandler(v -> whole.tryComplete(content));
        request.resume();
        return whole.future();
    }

    private static long declared(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
