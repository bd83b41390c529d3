package io.bcgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Predicate;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The simulator's {@code $filter}: parse, print (the tokens, one space apart) and parse again is stable (the same
 * verdict on every sample row, or the same refusal), and a refusal is BC's error shape (a 400 with a
 * {@code BadRequest*} code and a message), never another exception. Evaluating an accepted filter never throws.
 */
class FilterParserFuzzTest {

    private static final EdmModel MODEL = EdmModel.load();
    private static final EdmModel.EntityType CUSTOMER = MODEL.entityType("customer");
    private static final List<String> WORDS = List.of("displayName", "balanceDue", "taxLiable", "id", "number",
            "lastModifiedDateTime", "type", "eq", "ne", "gt", "ge", "lt", "le", "in", "and", "or", "not", "contains",
            "startswith", "endswith", "(", ")", ",", "'x'", "''''", "null", "true", "false", "1", "-2.5", "1e3", "10M",
            "0a0b0c0d-1111-4222-8333-444455556666", "2024-05-01T12:00:00Z", "Microsoft.NAV.contactType'Person'");
    private static final List<ObjectNode> ROWS = rows();

    @FuzzTest(maxDuration = "2m")
    void printAndParseAgainIsStableOrRefusedLikeBc(FuzzedDataProvider data) {
        String filter;
        if (data.consumeBoolean()) {
            filter = data.consumeRemainingAsString();
        } else {
            StringBuilder sb = new StringBuilder();
            int n = data.consumeInt(1, 16);
            for (int i = 0; i < n; i++) {
                sb.append(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(8)).append(' ');
            }
            filter = sb.toString();
        }
        Outcome first = outcome(filter);
        if (first.refusal != null) {
            return;
        }
        String printed = String.join(" ", FilterParser.tokenize(filter));
        Outcome again = outcome(printed);
        assertEquals(first.verdicts, again.verdicts, () -> "'" + filter + "' printed as '" + printed + "'");
        assertEquals(FilterParser.tokenize(filter), FilterParser.tokenize(printed), "tokens after printing");
    }

    private record Outcome(BcException refusal, List<Boolean> verdicts) {
    }

    private static Outcome outcome(String filter) {
        Predicate<ObjectNode> p;
        try {
            p = FilterParser.parse(filter, CUSTOMER);
        } catch (BcException e) {
            assertEquals(400, e.status, "status of the refusal");
            assertTrue(e.code.startsWith("BadRequest"), () -> "code " + e.code);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "message");
            return new Outcome(e, null);
        }
        return new Outcome(null, ROWS.stream().map(p::test).toList());
    }

    private static List<ObjectNode> rows() {
        ObjectNode a = SeedData.blank(MODEL, CUSTOMER);
        a.put("displayName", "O'Brien & Sons");
        a.put("balanceDue", new BigDecimal("1250.75"));
        a.put("taxLiable", true);
        a.put("id", "0a0b0c0d-1111-4222-8333-444455556666");
        a.put("lastModifiedDateTime", "2024-05-01T12:00:00Z");
        ObjectNode b = SeedData.blank(MODEL, CUSTOMER);
        b.put("displayName", "x");
        b.put("balanceDue", new BigDecimal("-2.5"));
        b.putNull("lastModifiedDateTime");
        return List.of(a, b, SeedData.blank(MODEL, CUSTOMER));
    }
}
