package io.bcgateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.streams.ReadStream;

/**
 * A request body on its way to Business Central, with two makers (as vertx-http-proxy's {@code Body}): one held in
 * memory, which can be sent again (after a 401 with a fresh token, or a retry), and one streamed once, with
 * back-pressure, which cannot. The engine only asks whether it is {@linkplain #replayable() replayable}.
 */
public abstract sealed class Body {

    /** No body at all (a GET, or the gateway's own reads). */
    public static final Body NONE = new InMemory(Buffer.buffer(0), false);

    private Body() {
    }

    /**
     * A body held in memory; {@code declaresLength}: the caller sent a {@code Content-Length} (an empty body is then
     * sent as {@code Content-Length: 0} rather than no body).
     */
    public static Body of(Buffer content, boolean declaresLength) {
        if (content.length() == 0 && !declaresLength) {
            return NONE; // most requests (GETs) carry no body: nothing to allocate for them
        }
        return new InMemory(content, declaresLength);
    }

    /** A body piped from {@code stream} once; {@code length} is its declared length, or -1 (then sent chunked). */
    public static Body of(ReadStream<Buffer> stream, long length) {
        return new Streamed(stream, length);
    }

    /** Whether the body can be sent again after an attempt that sent it. */
    public abstract boolean replayable();

    /**
     * Whether the whole request goes out at once: no body, or one in memory small enough to be written in one go
     * ({@value #SENT_AT_ONCE} bytes, a fraction of a socket's send buffer). For such a request the time until the
     * request is sent is negligible, so the read timeout can count from the start (one timer per attempt instead of an
     * upload timer replaced by the read timer once the body is up).
     */
    abstract boolean sentAtOnce();

    /** The largest body that {@link #sentAtOnce()}: written to the socket without waiting for BC to read it. */
    static final int SENT_AT_ONCE = 64 * 1024;

    /** Sends the body and ends the request; completes when the whole request is written. */
    abstract Future<Void> sendOn(HttpClientRequest upstream);

    private static final class InMemory extends Body {
        private final Buffer content;
        private final boolean declaresLength;

        InMemory(Buffer content, boolean declaresLength) {
            this.content = content;
            this.declaresLength = declaresLength;
        }

        @Override
        public boolean replayable() {
            return true;
        }

        @Override
        boolean sentAtOnce() {
            return content.length() <= SENT_AT_ONCE;
        }

        @Override
        Future<Void> sendOn(HttpClientRequest upstream) {
            // Vert.x sets Content-Length from the buffer; a copied Transfer-Encoding would contradict it.
            upstream.headers().remove(HttpHeaders.TRANSFER_ENCODING);
            return content.length() == 0 && !declaresLength ? upstream.end() : upstream.end(content);
        }
    }

    private static final class Streamed extends Body {
        private final ReadStream<Buffer> stream;
        private final long length;

        Streamed(ReadStream<Buffer> stream, long length) {
            this.stream = stream;
            this.length = length;
        }

        @Override
        public boolean replayable() {
            return false;
        }

        @Override
        boolean sentAtOnce() {
            return false; // it goes up as fast as the caller sends it
        }

        @Override
        Future<Void> sendOn(HttpClientRequest upstream) {
            if (length < 0) {
                upstream.setChunked(true);
            }
            return stream.pipeTo(upstream);
        }
    }
}
