package io.bcgateway.json;

import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON factory for the gateway (registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}, ahead
 * of Quarkus' own by {@link #order()}): {@code JsonObject}, {@code JsonArray} and plain values are read and written
 * with jackson-core's streaming parser, and only a Java object that is not JSON (a POJO, {@code mapTo}) goes to
 * Vert.x's data-binding codec ({@link DatabindCodec}, its own {@code ObjectMapper}, made on first need).
 *
 * <p>Why: every token grant parses Entra's answer into a {@code JsonObject}. Through a data-binding codec that first
 * parse builds an {@code ObjectMapper} with its modules: ~460 Jackson classes and their objects that the gateway
 * never uses, and that a JDK AOT cache then loads on every start (docs/deployment.md, "Footprint": idle RSS
 * 104 -> 102 MB). Not Quarkus' codec for the POJOs: it asks CDI for Quarkus' {@code ObjectMapper} bean, which only
 * the quarkus-jackson extension makes, and the gateway leaves that extension out (issue 14, "Idle RSS").
 */
public final class CoreFirstJsonFactory implements JsonFactory {

    @Override
    public int order() {
        return 0; // JsonFactory.load() takes the lowest order; Quarkus' factory keeps the default (Integer.MAX_VALUE)
    }

    @Override
    public JsonCodec codec() {
        return new CoreFirstJsonCodec(CoreFirstJsonFactory::dataBinding);
    }

    /**
     * A method of this class, not {@code DatabindCodec::new}: a constructor reference loads {@code DatabindCodec}
     * when the codec is made, and the AOT cache's training run then verifies it, loading ~20 data-binding classes
     * that every start would load again. This way it is loaded by the first POJO only.
     */
    private static JsonCodec dataBinding() {
        return new DatabindCodec();
    }
}
