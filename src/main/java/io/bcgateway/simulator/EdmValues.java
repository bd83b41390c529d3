package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;

/** Typed comparison of JSON property values, shared by $filter and $orderby. */
final class EdmValues {

    private EdmValues() { }

    /** Nulls sort first, as in OData. */
    static final Comparator<Comparable<Object>> ORDER = Comparator.nullsFirst(Comparator.naturalOrder());

    /** A comparable form of a stored value of the given EDM type, or null for JSON null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Comparable<Object> of(JsonNode v, String type) {
        if (v == null || v.isNull() || v.isMissingNode()) return null;
        Comparable c = switch (type) {
            case "Edm.Decimal", "Edm.Double", "Edm.Int32", "Edm.Int64" -> v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
            case "Edm.Boolean" -> v.asBoolean();
            case "Edm.Guid" -> v.asText().toLowerCase(Locale.ROOT);
            case "Edm.DateTimeOffset" -> parseInstant(v.asText());
            default -> v.asText();
        };
        return (Comparable<Object>) c;
    }

    static Instant parseInstant(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.parse(s);
        }
    }

    static boolean isGuid(String s) {
        if (s.length() != 36) return false;
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
