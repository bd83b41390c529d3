package io.bcgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** Which bodies get the read timeout from the start of the request, and which the upload limit first. */
class BodyTest {

    @Test
    void noBodyAndSmallBodiesInMemoryGoOutAtOnce() {
        assertTrue(Body.NONE.sentAtOnce());
        assertTrue(Body.of(Buffer.buffer(0), true).sentAtOnce());
        assertTrue(Body.of(Buffer.buffer(new byte[Body.SENT_AT_ONCE]), true).sentAtOnce());
    }

    @Test
    void largerBodiesInMemoryAndStreamedBodiesKeepTheUploadLimitUntilSent() {
        assertFalse(Body.of(Buffer.buffer(new byte[Body.SENT_AT_ONCE + 1]), true).sentAtOnce());
        ReadStream<Buffer> stream = null; // not read to decide: a streamed body never goes out at once
        assertFalse(Body.of(stream, 10).sentAtOnce());
        assertFalse(Body.of(stream, -1).sentAtOnce());
    }
}
