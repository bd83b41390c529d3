package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The OData system query options of one request, validated against the entity type.
 * The raw (still encoded) name=value pairs are kept so a nextLink repeats the caller's options verbatim.
 */
final class ODataQuery {

    final List<String[]> rawPairs = new ArrayList<>();
    Predicate<ObjectNode> filter = row -> true;
    Set<String> select;           // null: all properties
    Comparator<ObjectNode> orderBy; // null: default (primary key) order
    String orderByText;
    Integer top;
    int skip;
    UUID skipToken;
    boolean count;

    static ODataQuery parse(String rawQuery, EdmModel.EntityType type) {
        ODataQuery q = new ODataQuery();
        if (rawQuery == null || rawQuery.isEmpty()) return q;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            q.rawPairs.add(new String[] {rawName, rawValue});
            String name = decode(rawName);
            String value = decode(rawValue);
            switch (name.toLowerCase(Locale.ROOT)) {
                case "$filter" -> q.filter = FilterParser.parse(value, type);
                case "$select" -> q.select = select(value, type);
                case "$orderby" -> { q.orderBy = orderBy(value, type); q.orderByText = value; }
                case "$top" -> q.top = nonNegative("$top", value);
                case "$skip" -> q.skip = nonNegative("$skip", value);
                case "$skiptoken" -> {
                    if (!EdmValues.isGuid(value)) throw BcException.badRequest("BadRequest", "The skip token '" + value + "' is not valid.");
                    q.skipToken = UUID.fromString(value);
                }
                case "$count" -> q.count = value.equalsIgnoreCase("true");
                case "$expand" -> throw BcException.badRequest("BadRequest_NotSupported", "The simulator does not support $expand.");
                case "$schemaversion", "$format", "$search" -> { }
                default -> {
                    if (name.startsWith("$")) {
                        throw BcException.badRequest("BadRequest", "The query parameter '" + name + "' is not supported.");
                    }
                    // BC ignores custom query parameters such as aid=FIN or company=...
                }
            }
        }
        return q;
    }

    /** Options for a single entity: only $select applies; others are accepted and ignored like BC. */
    static ODataQuery parseForEntity(String rawQuery, EdmModel.EntityType type) {
        ODataQuery full = parse(rawQuery, type);
        ODataQuery q = new ODataQuery();
        q.select = full.select;
        return q;
    }

    /** The raw query without any $skiptoken, to which the next page's token is appended. */
    String rawQueryWithoutSkipToken() {
        StringBuilder sb = new StringBuilder();
        for (String[] p : rawPairs) {
            if (decode(p[0]).equalsIgnoreCase("$skiptoken")) continue;
            if (sb.length() > 0) sb.append('&');
            sb.append(p[0]);
            sb.append('=').append(p[1]);
        }
        return sb.toString();
    }

    private static Set<String> select(String value, EdmModel.EntityType type) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            String name = s.trim();
            if (name.isEmpty()) continue;
            EdmModel.Property p = type.property(name);
            if (p == null) throw BcException.propertyNotFound(name, type.qualifiedName());
            out.add(name);
        }
        return out;
    }

    private static Comparator<ObjectNode> orderBy(String value, EdmModel.EntityType type) {
        Comparator<ObjectNode> result = null;
        for (String part : value.split(",")) {
            String[] words = part.trim().split("\\s+");
            if (words.length == 0 || words[0].isEmpty() || words.length > 2) {
                throw BcException.badRequest("BadRequest", "Invalid $orderby expression '" + value + "'.");
            }
            EdmModel.Property p = type.property(words[0]);
            if (p == null || p.isStream()) throw BcException.propertyNotFound(words[0], type.qualifiedName());
            boolean desc = false;
            if (words.length == 2) {
                String dir = words[1].toLowerCase(Locale.ROOT);
                if (!dir.equals("asc") && !dir.equals("desc")) {
                    throw BcException.badRequest("BadRequest", "Invalid $orderby direction '" + words[1] + "'.");
                }
                desc = dir.equals("desc");
            }
            Comparator<ObjectNode> c = Comparator.comparing(row -> EdmValues.of(row.get(p.name()), p.type()), EdmValues.ORDER);
            if (desc) c = c.reversed();
            result = result == null ? c : result.thenComparing(c);
        }
        return result;
    }

    private static int nonNegative(String option, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw BcException.badRequest("BadRequest", "Invalid value '" + value + "' for " + option + ". It must be a non-negative integer.");
    }

    /** Query strings arrive percent-encoded; '+' is a space as in ASP.NET, which fronts BC. */
    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BcException.badRequest("BadRequest", "The query string is not correctly percent-encoded.");
        }
    }
}
