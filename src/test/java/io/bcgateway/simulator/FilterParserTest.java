package io.bcgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterParserTest {

    static final EdmModel MODEL = EdmModel.load();
    static final EdmModel.EntityType CUSTOMER = MODEL.entityType("customer");

    static ObjectNode row() {
        ObjectNode n = SeedData.blank(MODEL, CUSTOMER);
        n.put("displayName", "O'Brien & Sons");
        n.put("balanceDue", new BigDecimal("1250.75"));
        n.put("taxLiable", true);
        n.put("id", "0a0b0c0d-1111-4222-8333-444455556666");
        n.put("lastModifiedDateTime", "2024-05-01T12:00:00Z");
        return n;
    }

    static boolean matches(String filter) {
        return FilterParser.parse(filter, CUSTOMER).test(row());
    }

    @Test
    void tokenizerKeepsQuotedStringsWithDoubledQuotesTogether() {
        assertEquals(List.of("displayName", "eq", "'O''Brien & Sons'"), FilterParser.tokenize("displayName eq 'O''Brien & Sons'"));
    }

    @Test
    void comparisonsAreTypedByTheProperty() {
        assertTrue(matches("displayName eq 'O''Brien & Sons'"));
        assertTrue(matches("balanceDue gt 1000 and balanceDue le 1250.75"));
        assertTrue(matches("taxLiable eq true"));
        assertTrue(matches("id eq 0A0B0C0D-1111-4222-8333-444455556666"));
        assertTrue(matches("lastModifiedDateTime ge 2024-05-01T14:00:00+02:00"));
        assertTrue(matches("type eq 'Company' and blocked eq ' '"));
        assertFalse(matches("not (balanceDue gt 1000) or displayName ne 'O''Brien & Sons'"));
        assertTrue(matches("(contains(displayName,'Brien') or startswith(displayName,'X')) and endswith(displayName,'Sons')"));
    }

    @Test
    void badExpressionsAreBadRequests() {
        assertEquals(400, assertThrows(BcException.class, () -> matches("balanceDue gt 'abc'")).status);
        assertEquals(400, assertThrows(BcException.class, () -> matches("displayName eq 'unterminated")).status);
        assertEquals("BadRequest_NotFound", assertThrows(BcException.class, () -> matches("nope eq 1")).code);
        assertEquals(400, assertThrows(BcException.class, () -> matches("displayName eq 'a' extra")).status);
    }

    @Test
    void etagsChangeWithEveryVersionAndMatchWeakly() {
        String a = Etags.forVersion(1);
        String b = Etags.forVersion(2);
        assertFalse(a.equals(b));
        assertTrue(a.startsWith("W/\"") && a.endsWith("\""));
        assertTrue(Etags.matches(a, a));
        assertTrue(Etags.matches(a.substring(2), a));
        assertTrue(Etags.matches("*", a));
        assertTrue(Etags.matches(b + ", " + a, a));
        assertFalse(Etags.matches(b, a));
    }

    @Test
    void blankEnumMemberDecodesToASpace() {
        assertEquals(" ", EdmModel.decodeName("_x0020_"));
        assertEquals("Non-Inventory", EdmModel.decodeName("Non_x002D_Inventory"));
        assertEquals(JsonNodeFactory.instance.textNode(" "), SeedData.blank(MODEL, CUSTOMER).get("blocked"));
    }
}
