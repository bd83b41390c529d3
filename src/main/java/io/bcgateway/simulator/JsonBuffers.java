package io.bcgateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Jackson tree-model reading and streaming generation straight into a Vert.x Buffer (no intermediate String). */
final class JsonBuffers {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = MAPPER.getFactory().copy()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private JsonBuffers() { }

    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    static Buffer write(Writer w) {
        Buffer buffer = Buffer.buffer(4096);
        try (JsonGenerator g = FACTORY.createGenerator(new BufferOutputStream(buffer))) {
            g.setCodec(MAPPER);
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer;
    }

    static Buffer of(JsonNode node) {
        return write(g -> g.writeTree(node));
    }

    static JsonNode read(Buffer b) throws IOException {
        return MAPPER.readTree(b.getBytes());
    }

    private static final class BufferOutputStream extends OutputStream {
        private final Buffer buffer;

        BufferOutputStream(Buffer buffer) { this.buffer = buffer; }

        @Override public void write(int b) { buffer.appendByte((byte) b); }

        @Override public void write(byte[] b, int off, int len) { buffer.appendBytes(b, off, len); }
    }
}
