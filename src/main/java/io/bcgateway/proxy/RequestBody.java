package io.bcgateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * How a caller's request body travels: held in memory when it is small enough to be replayed (and entity writes
 * to BC are small JSON documents), otherwise streamed once, straight through, with back-pressure.
 */
final class RequestBody {

    private static final Buffer EMPTY = Buffer.buffer(0);

    private final boolean buffered;
    private final boolean declaresLength;
    /** The declared {@code Content-Length}, or -1 without one. */
    private final long declaredLength;
    private Buffer content;

    private RequestBody(boolean buffered, boolean declaresLength, long declaredLength) {
        this.buffered = buffered;
        this.declaresLength = declaresLength;
        this.declaredLength = declaredLength;
    }

    /**
     * Decides from the headers alone. A body with a {@code Content-Length} up to {@code replayLimit} (or no body
     * at all) is buffered; a chunked body or a larger one is streamed.
     */
    static RequestBody of(HttpServerRequest request, int replayLimit) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE;
            }
        }
        if (chunked) {
            return new RequestBody(false, false, declared);
        }
        if (length == null) {
            RequestBody none = new RequestBody(true, false, -1);
            none.content = EMPTY;
            return none;
        }
        return new RequestBody(declared <= replayLimit, true, declared);
    }

    /** A body the gateway has already read (a $batch it counted). */
    static RequestBody ofContent(Buffer content) {
        RequestBody read = new RequestBody(true, true, content.length());
        read.content = content;
        return read;
    }

    boolean isBuffered() {
        return buffered;
    }

    boolean declaresLength() {
        return declaresLength;
    }

    /** The declared {@code Content-Length}, or -1 without one (a streamed body then goes on chunked). */
    long declaredLength() {
        return declaredLength;
    }

    /** Reads a buffered body (immediately done when there is none). */
    Future<Buffer> read(HttpServerRequest request) {
        if (content != null) {
            return Future.succeededFuture(content);
        }
        Future<Buffer> whole = request.body().onSuccess(b -> content = b);
        request.resume();
        return whole;
    }

    /** The buffered body; only after {@link #read} completed. */
    Buffer content() {
        return content;
    }
}
