package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates POST/PATCH bodies against the entity type the way BC's OData layer does, and normalises values. */
final class EntityBodies {

    /** Maintained by BC itself; a client value is ignored rather than stored. */
    private static final Set<String> SERVER_MAINTAINED = Set.of("lastModifiedDateTime", "byteSize");

    private EntityBodies() { }

    static ObjectNode parseObject(Buffer body) {
        if (body == null || body.length() == 0) {
            throw BcException.badRequest("BadRequest_InvalidRequestBody", "The request body is empty; a JSON object is required.");
        }
        JsonNode node;
        try {
            node = JsonBuffers.read(body);
        } catch (IOException e) {
            throw BcException.badRequest("BadRequest_InvalidRequestBody", "The request body is not valid JSON.");
        }
        if (!(node instanceof ObjectNode o)) {
            throw BcException.badRequest("BadRequest_InvalidRequestBody", "The request body must be a JSON object.");
        }
        return o;
    }

    /** The changes a body asks for, converted to stored form. Annotations ("@odata.etag") are ignored. */
    static ObjectNode changes(ObjectNode body, EdmModel.EntityType type, EdmModel model) {
        ObjectNode out = JsonNodeFactory.withExactBigDecimals(true).objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.startsWith("@") || name.contains("@odata.")) continue;
            EdmModel.Property p = type.property(name);
            if (p == null) {
                throw BcException.badRequest("BadRequest_InvalidRequestBody", "The property '" + name + "' does not exist on type '"
                        + type.qualifiedName() + "'. Make sure to only use property names that are defined by the type.");
            }
            if (p.isStream()) {
                throw BcException.badRequest("BadRequest_InvalidRequestBody", "The stream property '" + name
                        + "' cannot be set in a JSON body; send the content to its own URL.");
            }
            if (SERVER_MAINTAINED.contains(name)) continue;
            out.set(name, convert(f.getValue(), p, model));
        }
        return out;
    }

    private static JsonNode convert(JsonNode v, EdmModel.Property p, EdmModel model) {
        JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
        if (v.isNull()) return v;
        switch (p.type()) {
            case "Edm.String" -> {
                if (!v.isTextual()) throw cannotConvert(v, p);
                String s = v.asText();
                if (p.maxLength() != null && s.length() > p.maxLength()) {
                    // BC's validation error for a too-long text field
                    throw new BcException(400, "Application_StringExceededLength", "The length of the string is " + s.length()
                            + ", but it must be less than or equal to " + p.maxLength() + " characters.");
                }
                return v;
            }
            case "Edm.Decimal", "Edm.Double", "Edm.Int32", "Edm.Int64" -> {
                try {
                    BigDecimal d = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.asText()) : null;
                    if (d == null) throw cannotConvert(v, p);
                    if (p.type().startsWith("Edm.Int")) return f.numberNode(d.longValueExact());
                    return f.numberNode(d);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw cannotConvert(v, p);
                }
            }
            case "Edm.Boolean" -> {
                if (!v.isBoolean()) throw cannotConvert(v, p);
                return v;
            }
            case "Edm.Guid" -> {
                if (!v.isTextual() || !EdmValues.isGuid(v.asText())) throw cannotConvert(v, p);
                return f.textNode(v.asText().toLowerCase());
            }
            case "Edm.DateTimeOffset" -> {
                try {
                    return f.textNode(EntityStore.timestamp(EdmValues.parseInstant(v.asText())));
                } catch (DateTimeParseException e) {
                    throw cannotConvert(v, p);
                }
            }
            case "Edm.Date" -> {
                try {
                    return f.textNode(LocalDate.parse(v.asText()).toString());
                } catch (DateTimeParseException e) {
                    throw cannotConvert(v, p);
                }
            }
            default -> {
                List<String> members = model.enumMembers(p.type());
                if (!v.isTextual()) throw cannotConvert(v, p);
                if (members.isEmpty()) return v;
                for (String m : members) {
                    if (m.equalsIgnoreCase(v.asText())) return f.textNode(m);
                }
                throw BcException.badRequest("BadRequest", "The value '" + v.asText() + "' is not valid for enum type '" + p.type() + "'.");
            }
        }
    }

    private static BcException cannotConvert(JsonNode v, EdmModel.Property p) {
        return BcException.badRequest("BadRequest", "Cannot convert the literal '" + abbreviate(v.toString()) + "' to the expected type '"
                + p.type() + "' of property '" + p.name() + "'.");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
