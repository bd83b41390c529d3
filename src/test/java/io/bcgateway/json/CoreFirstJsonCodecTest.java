package io.bcgateway.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.spi.JsonFactory;

class CoreFirstJsonCodecTest {

    record Grant(String tokenType, int expiresIn) {
    }

    /** Counts how often the fallback is made: JSON trees must never need it. */
    private final AtomicInteger fallbacksMade = new AtomicInteger();
    private final CoreFirstJsonCodec codec = new CoreFirstJsonCodec(() -> {
        fallbacksMade.incrementAndGet();
        return new DatabindCodec();
    });

    @Test
    void vertxPicksTheCoreFirstFactoryOverQuarkusOne() {
        assertInstanceOf(CoreFirstJsonFactory.class, JsonFactory.load());
        assertInstanceOf(CoreFirstJsonCodec.class, Json.CODEC);
    }

    @Test
    void readsAndWritesJsonTreesWithoutTheFallback() {
        String tokenAnswer = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext\":[1,2.5,true,null,{\"a\":\"b\"}]}";

        Object parsed = codec.fromString(tokenAnswer, Object.class);
        JsonObject grant = assertInstanceOf(JsonObject.class, parsed);
        assertEquals(3599, grant.getInteger("expires_in"));
        assertEquals("b", grant.getJsonArray("ext").getJsonObject(4).getString("a"));
        assertEquals(tokenAnswer, codec.toString(codec.fromBuffer(Buffer.buffer(tokenAnswer), Object.class), false));
        JsonObject special = new JsonObject().put("at", Instant.ofEpochSecond(1)).put("raw", new byte[] { 1, 2 });
        assertEquals(new DatabindCodec().toString(special, false), codec.toString(special, false)); // as before
        assertEquals("{\"at\":\"1970-01-01T00:00:01Z\",\"raw\":\"AQI\"}", codec.toString(special, false));
        assertEquals(0, fallbacksMade.get());
    }

    @Test
    void malformedJsonIsADecodeExceptionAsBefore() {
        assertThrows(DecodeException.class, () -> codec.fromString("{\"token_type\":", Object.class));
        assertThrows(DecodeException.class, () -> new JsonObject("[1, 2]"));
        assertEquals(0, fallbacksMade.get());
    }

    @Test
    void javaObjectsGoToTheFallbackOnce() {
        JsonObject withPojo = new JsonObject().put("grant", new Grant("Bearer", 60));
        assertEquals("{\"grant\":{\"tokenType\":\"Bearer\",\"expiresIn\":60}}", codec.toString(withPojo, false));
        assertEquals(new Grant("Bearer", 60), codec.fromString("{\"tokenType\":\"Bearer\",\"expiresIn\":60}", Grant.class));
        assertEquals(new Grant("Bearer", 5), codec.fromValue(new JsonObject().put("tokenType", "Bearer").put("expiresIn", 5), Grant.class));
        assertEquals(1, fallbacksMade.get());
    }

    @Test
    void theProcessWideCodecStillMapsObjects() {
        JsonObject mapped = JsonObject.mapFrom(new Grant("Bearer", 7));
        assertEquals(7, mapped.getInteger("expiresIn"));
        assertEquals(new Grant("Bearer", 7), mapped.mapTo(Grant.class));
        assertEquals(new JsonArray().add(1).add("x"), new JsonArray("[1,\"x\"]"));
    }
}
