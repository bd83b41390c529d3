package io.bcgateway.simulator;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much OData control information a JSON answer carries, as the client asks with
 * {@code Accept: application/json;odata.metadata=full|minimal|none} (OData JSON Format v4.0 section 3.1):
 * <ul>
 * <li>{@code minimal} (the default): {@code @odata.context}, {@code @odata.etag}, {@code @odata.nextLink},
 * {@code @odata.count}; what a client can compute from the metadata is left out.</li>
 * <li>{@code full}: also every entity's {@code @odata.type}, {@code @odata.id} and {@code @odata.editLink}
 * (absolute, as BC writes them; {@code @odata.readLink} only where it differs from the edit link, so never here),
 * the type of every property whose JSON value does not tell it ({@code "id@odata.type":"#Guid"}), each
 * navigation property's {@code @odata.navigationLink} and {@code @odata.associationLink}, and each stream
 * property's {@code @odata.mediaReadLink} and {@code @odata.mediaEditLink}.</li>
 * <li>{@code none}: no control information except {@code @odata.nextLink} and {@code @odata.count}.</li>
 * </ul>
 * The answer's {@code Content-Type} names the level served. Bound actions, which BC's full metadata also
 * advertises, are not simulated.
 */
enum MetadataLevel {
    NONE, MINIMAL, FULL;

    private static final Pattern PARAMETER = Pattern.compile("odata\\.metadata\\s*=\\s*([A-Za-z]+)", Pattern.CASE_INSENSITIVE);

    /** The level the {@code Accept} header asks for; minimal when it names none (or one that does not exist). */
    static MetadataLevel of(MultiMap headers) {
        for (String accept : headers.getAll("Accept")) {
            Matcher m = PARAMETER.matcher(accept);
            if (m.find()) {
                return switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "full" -> FULL;
                    case "none" -> NONE;
                    default -> MINIMAL;
                };
            }
        }
        return MINIMAL;
    }

    /** BC's success content type at this level. */
    String contentType() {
        return "application/json; odata.metadata=" + name().toLowerCase(Locale.ROOT) + "; odata.streaming=true";
    }

    boolean context() {
        return this != NONE;
    }

    boolean etag() {
        return this != NONE;
    }

    boolean full() {
        return this == FULL;
    }

    /** The type name of a primitive or enum property for {@code @odata.type}, or null when JSON tells it already. */
    static String typeAnnotation(EdmModel.Property p) {
        return switch (p.type()) {
            // A JSON string, boolean or number reads as String, Boolean, Int32 or Double without being told.
            case "Edm.String", "Edm.Boolean", "Edm.Int32", "Edm.Double", "Edm.Stream" -> null;
            default -> p.type().startsWith("Edm.") ? "#" + p.type().substring(4) : "#" + p.type();
        };
    }
}
