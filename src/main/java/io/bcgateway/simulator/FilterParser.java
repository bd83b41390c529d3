package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Parses the subset of OData {@code $filter} BC clients use: {@code eq ne gt lt ge le}, {@code in (...)}
 * (BC needs $schemaversion=2.1 for it; the simulator always accepts it), {@code contains/startswith/endswith},
 * {@code and or not} and parentheses. Literals: 'strings' with '' escaping, numbers, true/false, null, GUIDs,
 * datetimes. Comparisons are type-directed by the property's EDM type, like BC's.
 * String comparisons are case-sensitive (the simulator does not model SQL collations).
 */
final class FilterParser {

    private final EdmModel.EntityType type;
    private final List<String> tokens;
    private int pos;

    private FilterParser(EdmModel.EntityType type, List<String> tokens) {
        this.type = type;
        this.tokens = tokens;
    }

    static Predicate<ObjectNode> parse(String filter, EdmModel.EntityType type) {
        FilterParser p = new FilterParser(type, tokenize(filter));
        if (p.tokens.isEmpty()) throw syntax("The $filter expression is empty.");
        Predicate<ObjectNode> result = p.or();
        if (p.pos != p.tokens.size()) throw syntax("Syntax error at position " + p.pos + " in '" + filter + "'.");
        return result;
    }

    private Predicate<ObjectNode> or() {
        Predicate<ObjectNode> left = and();
        while (acceptKeyword("or")) left = left.or(and());
        return left;
    }

    private Predicate<ObjectNode> and() {
        Predicate<ObjectNode> left = unary();
        while (acceptKeyword("and")) left = left.and(unary());
        return left;
    }

    private Predicate<ObjectNode> unary() {
        if (acceptKeyword("not")) return unary().negate();
        if (accept("(")) {
            Predicate<ObjectNode> inner = or();
            expect(")");
            return inner;
        }
        String word = next();
        String fn = word.toLowerCase(Locale.ROOT);
        if ((fn.equals("contains") || fn.equals("startswith") || fn.equals("endswith")) && accept("(")) {
            EdmModel.Property prop = property(next());
            expect(",");
            String needle = stringLiteral(next());
            expect(")");
            String name = prop.name();
            return row -> {
                String v = row.path(name).asText("");
                return switch (fn) {
                    case "contains" -> v.contains(needle);
                    case "startswith" -> v.startsWith(needle);
                    default -> v.endsWith(needle);
                };
            };
        }
        EdmModel.Property prop = property(word);
        String op = next().toLowerCase(Locale.ROOT);
        if (op.equals("in")) {
            expect("(");
            List<Comparable<Object>> values = new ArrayList<>();
            do {
                values.add(literal(next(), prop));
            } while (accept(","));
            expect(")");
            return row -> values.contains(EdmValues.of(row.get(prop.name()), prop.type()));
        }
        Comparable<Object> literal = literal(next(), prop);
        return switch (op) {
            case "eq" -> row -> EdmValues.ORDER.compare(value(row, prop), literal) == 0;
            case "ne" -> row -> EdmValues.ORDER.compare(value(row, prop), literal) != 0;
            case "gt" -> row -> literal != null && value(row, prop) != null && value(row, prop).compareTo(literal) > 0;
            case "ge" -> row -> literal != null && value(row, prop) != null && value(row, prop).compareTo(literal) >= 0;
            case "lt" -> row -> literal != null && value(row, prop) != null && value(row, prop).compareTo(literal) < 0;
            case "le" -> row -> literal != null && value(row, prop) != null && value(row, prop).compareTo(literal) <= 0;
            default -> throw syntax("Unsupported operator '" + op + "' in $filter.");
        };
    }

    /**
     * bc-facts: a webhook {@code collection} notification's resource filters on {@code lastDateTimeModified}, while the
     * API v2.0 entities call the field {@code lastModifiedDateTime}; the simulator answers both.
     */
    static final String LAST_MODIFIED_ALIAS = "lastDateTimeModified";

    private static Comparable<Object> value(ObjectNode row, EdmModel.Property prop) {
        return EdmValues.of(row.get(prop.name()), prop.type());
    }

    private EdmModel.Property property(String name) {
        EdmModel.Property p = type.property(name);
        if (p == null && name.equals(LAST_MODIFIED_ALIAS)) p = type.property("lastModifiedDateTime");
        if (p == null || p.isStream()) throw BcException.propertyNotFound(name, type.qualifiedName());
        return p;
    }

    @SuppressWarnings("unchecked")
    private Comparable<Object> literal(String token, EdmModel.Property prop) {
        if (token.equals("null")) return null;
        String t = prop.type();
        try {
            Comparable<?> v = switch (t) {
                case "Edm.Decimal", "Edm.Double", "Edm.Int32", "Edm.Int64" -> new BigDecimal(stripNumericSuffix(token));
                case "Edm.Boolean" -> {
                    if (!token.equals("true") && !token.equals("false")) throw incompatible(prop, token);
                    yield Boolean.valueOf(token);
                }
                case "Edm.Guid" -> {
                    String g = token.startsWith("'") ? stringLiteral(token) : token;
                    if (!EdmValues.isGuid(g)) throw incompatible(prop, token);
                    yield g.toLowerCase(Locale.ROOT);
                }
                case "Edm.DateTimeOffset" -> EdmValues.parseInstant(token.startsWith("'") ? stringLiteral(token) : token);
                default -> {
                    if (prop.isEnum() && !token.startsWith("'")) {
                        // BC also accepts the typed form Microsoft.NAV.contactType'Person'
                        int q = token.indexOf('\'');
                        if (q < 0) throw incompatible(prop, token);
                        yield stringLiteral(token.substring(q));
                    }
                    yield stringLiteral(token);
                }
            };
            return (Comparable<Object>) v;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw incompatible(prop, token);
        }
    }

    private static String stripNumericSuffix(String token) {
        char last = token.charAt(token.length() - 1);
        return (last == 'M' || last == 'm' || last == 'L' || last == 'l' || last == 'd' || last == 'D')
                ? token.substring(0, token.length() - 1) : token;
    }

    private BcException incompatible(EdmModel.Property prop, String token) {
        return BcException.badRequest("BadRequest", "A binary operator with incompatible types was detected. Found operand types '"
                + prop.type() + "' and literal " + token + " for property '" + prop.name() + "'.");
    }

    private static String stringLiteral(String token) {
        if (token.length() < 2 || !token.startsWith("'") || !token.endsWith("'")) {
            throw syntax("Expected a string literal in single quotes but found " + token + ".");
        }
        return token.substring(1, token.length() - 1).replace("''", "'");
    }

    private String next() {
        if (pos >= tokens.size()) throw syntax("Unexpected end of $filter expression.");
        return tokens.get(pos++);
    }

    private boolean accept(String t) {
        if (pos < tokens.size() && tokens.get(pos).equals(t)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean acceptKeyword(String k) {
        if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(k)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String t) {
        if (!accept(t)) throw syntax("Expected '" + t + "' in $filter expression.");
    }

    private static BcException syntax(String message) {
        return BcException.badRequest("BadRequest", message);
    }

    /** Tokens: ( ) , 'string with '' escapes' and maximal runs of other non-blank characters. */
    static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int start = i;
                boolean quoted = false;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '\'') {
                        if (quoted && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                            i += 2;
                            continue;
                        }
                        quoted = !quoted;
                        i++;
                        if (!quoted) break; // a closing quote ends the token
                        continue;
                    }
                    if (!quoted && (Character.isWhitespace(d) || d == '(' || d == ')' || d == ',')) break;
                    i++;
                }
                if (quoted) throw syntax("Unterminated string literal in $filter.");
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
