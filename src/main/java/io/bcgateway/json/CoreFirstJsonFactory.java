package io.bcgateway.json;

import java.util.Comparator;

import io.vertx.core.ServiceHelper;
import io.vertx.core.json.jackson.JacksonFactory;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON factory for the gateway (registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}, ahead
 * of Quarkus' own by {@link #order()}): {@code JsonObject}, {@code JsonArray} and plain values are read and written
 * with jackson-core's streaming parser, and only a Java object that is not JSON (a POJO, {@code mapTo}) goes to the
 * codec Vert.x would have used without this factory, Quarkus' {@code ObjectMapper}-backed one.
 *
 * <p>Why: every token grant parses Entra's answer into a {@code JsonObject}. Through Quarkus' codec that first parse
 * builds the application's {@code ObjectMapper} with its modules: ~460 Jackson classes and their objects that the
 * gateway never uses, and that a JDK AOT cache then loads on every start (docs/deployment.md, "Footprint": idle RSS
 * 104 -> 102 MB).
 */
public final class CoreFirstJsonFactory implements JsonFactory {

    @Override
    public int order() {
        return 0; // JsonFactory.load() takes the lowest order; Quarkus' factory keeps the default (Integer.MAX_VALUE)
    }

    @Override
    public JsonCodec codec() {
        return new CoreFirstJsonCodec(CoreFirstJsonFactory::nextCodec);
    }

    /** The codec of the factory Vert.x would pick if this one were absent (Vert.x's own when there is none). */
    static JsonCodec nextCodec() {
        return ServiceHelper.loadFactories(JsonFactory.class).stream()
                .filter(factory -> !(factory instanceof CoreFirstJsonFactory))
                .min(Comparator.comparingInt(JsonFactory::order))
                .orElse(JacksonFactory.INSTANCE)
                .codec();
    }
}
