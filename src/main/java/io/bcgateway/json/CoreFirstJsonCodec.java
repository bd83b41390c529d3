package io.bcgateway.json;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;

/**
 * JSON trees on jackson-core alone, Java objects on a fallback codec made on first need (see
 * {@link CoreFirstJsonFactory}). What {@code JsonObject}/{@code JsonArray} produce and accept is unchanged: both
 * codecs share Vert.x's {@code JacksonCodec} rules for maps, lists, strings, numbers, booleans, {@code Instant},
 * {@code byte[]}, {@code Buffer} and enums.
 */
final class CoreFirstJsonCodec implements JsonCodec {

    /** Target types that {@link JacksonCodec} decodes itself: what {@code JsonObject}, {@code JsonArray} and
     *  {@code Json.decodeValue(String)} ask for. Any other type is data binding. */
    private static final Set<Class<?>> TREE_TYPES = Set.of(Object.class, Map.class, List.class, String.class,
            Boolean.class, Integer.class, Long.class, Double.class);

    private final JacksonCodec core = new JacksonCodec();
    private final Supplier<JsonCodec> fallbackMaker;
    private volatile JsonCodec fallback;

    CoreFirstJsonCodec(Supplier<JsonCodec> fallbackMaker) {
        this.fallbackMaker = fallbackMaker;
    }

    @Override
    public <T> T fromString(String json, Class<T> type) throws DecodeException {
        return TREE_TYPES.contains(type) ? core.fromString(json, type) : fallback().fromString(json, type);
    }

    @Override
    public <T> T fromBuffer(Buffer json, Class<T> type) throws DecodeException {
        return TREE_TYPES.contains(type) ? core.fromBuffer(json, type) : fallback().fromBuffer(json, type);
    }

    @Override
    public <T> T fromValue(Object json, Class<T> type) {
        return fallback().fromValue(json, type); // JsonObject.mapTo: data binding by definition
    }

    @Override
    public String toString(Object object, boolean pretty) throws EncodeException {
        try {
            return core.toString(object, pretty);
        } catch (EncodeException notJson) { // a Java object somewhere in the value: JacksonCodec cannot map it
            return fallback().toString(object, pretty);
        }
    }

    @Override
    public Buffer toBuffer(Object object, boolean pretty) throws EncodeException {
        try {
            return core.toBuffer(object, pretty);
        } catch (EncodeException notJson) {
            return fallback().toBuffer(object, pretty);
        }
    }

    private JsonCodec fallback() {
        JsonCodec codec = fallback;
        if (codec == null) { // a race makes the fallback twice at worst; both are equivalent
            codec = fallbackMaker.get();
            fallback = codec;
        }
        return codec;
    }
}
