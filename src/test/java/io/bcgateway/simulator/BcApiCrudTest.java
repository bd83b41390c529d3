package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BcApiCrudTest extends SimulatorTest {

    String customers() {
        return sim.api() + "/companies(" + company + ")/customers";
    }

    @Test
    void companiesListsCronusCompaniesWithRealPropertyNames() throws Exception {
        HttpResponse<String> r = sim.get(sim.api() + "/companies", token);
        assertEquals(200, r.statusCode());
        assertEquals("application/json; odata.metadata=minimal; odata.streaming=true", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.headers().firstValue("request-id").isPresent());
        JsonNode body = json(r);
        assertEquals(sim.api() + "/$metadata#companies", body.get("@odata.context").asText());
        assertEquals(3, body.get("value").size());
        JsonNode first = body.get("value").get(0);
        assertEquals("CRONUS USA, Inc.", first.get("name").asText());
        assertEquals("CRONUS Canada, Inc.", body.get("value").get(1).get("name").asText());
        for (String p : List.of("id", "systemVersion", "timestamp", "name", "displayName", "businessProfileId", "systemCreatedAt",
                "systemCreatedBy", "systemModifiedAt", "systemModifiedBy")) {
            assertTrue(first.has(p), p);
        }
    }

    @Test
    void companyIdsAreDeterministicForASeed() throws Exception {
        try (SimulatorHarness other = SimulatorHarness.start()) {
            assertEquals(company, other.firstCompanyId(other.token()));
        }
    }

    @Test
    void customersHaveDemoDataAndEveryMetadataProperty() throws Exception {
        // other tests add customers; seeded rows were all modified before 2025
        String seeded = "?$filter=" + SimulatorHarness.enc("lastModifiedDateTime lt 2025-01-01T00:00:00Z");
        JsonNode value = json(sim.get(customers() + seeded, token)).get("value");
        assertEquals(25, value.size());
        JsonNode adatum = value.get(0);
        assertEquals("Adatum Corporation", adatum.get("displayName").asText());
        assertEquals("10000", adatum.get("number").asText());
        assertEquals("Trey Research", value.get(1).get("displayName").asText());
        assertTrue(Pattern.matches("W/\"[A-Za-z0-9+/=]+\"", adatum.get("@odata.etag").asText()));
        for (String p : List.of("id", "number", "displayName", "type", "addressLine1", "addressLine2", "city", "state", "country",
                "postalCode", "phoneNumber", "email", "website", "salespersonCode", "balanceDue", "creditLimit", "taxLiable", "taxAreaId",
                "taxAreaDisplayName", "taxRegistrationNumber", "currencyId", "currencyCode", "paymentTermsId", "shipmentMethodId",
                "paymentMethodId", "blocked", "lastModifiedDateTime")) {
            assertTrue(adatum.has(p), p);
        }
        assertEquals(10, json(sim.get(sim.api() + "/companies(" + company + ")/vendors", token)).get("value").size());
        JsonNode items = json(sim.get(sim.api() + "/companies(" + company + ")/items", token)).get("value");
        assertEquals(20, items.size());
        assertEquals("ATHENS Desk", items.get(0).get("displayName").asText());
    }

    @Test
    void crudWalkthroughWithEtags() throws Exception {
        // create
        HttpResponse<String> created = sim.send("POST", customers(), token,
                "{\"displayName\":\"Walkthrough Ltd.\",\"city\":\"Oslo\",\"creditLimit\":1500.50}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode c = json(created);
        String id = c.get("id").asText();
        String etag1 = c.get("@odata.etag").asText();
        assertEquals(customers() + "(" + id + ")", created.headers().firstValue("Location").orElseThrow());
        assertFalse(c.get("number").asText().isEmpty());
        assertTrue(c.hasNonNull("lastModifiedDateTime"));
        assertEquals("Company", c.get("type").asText());
        assertEquals(0, c.get("creditLimit").decimalValue().compareTo(new java.math.BigDecimal("1500.50")));

        // find it with a filter
        JsonNode found = json(sim.get(customers() + "?$filter=" + SimulatorHarness.enc("displayName eq 'Walkthrough Ltd.'"), token));
        assertEquals(1, found.get("value").size());
        assertEquals(id, found.get("value").get(0).get("id").asText());

        // GET by id
        HttpResponse<String> one = sim.get(customers() + "(" + id + ")", token);
        assertEquals(200, one.statusCode());
        assertEquals(sim.api() + "/$metadata#companies(" + company + ")/customers/$entity", json(one).get("@odata.context").asText());

        // PATCH without If-Match: 400
        HttpResponse<String> noIfMatch = sim.send("PATCH", customers() + "(" + id + ")", token, "{\"city\":\"Bergen\"}");
        assertError(noIfMatch, 400, "BadRequest_InvalidToken");

        // PATCH with If-Match: new etag
        HttpResponse<String> patched = sim.send("PATCH", customers() + "(" + id + ")", token, "{\"city\":\"Bergen\"}", "If-Match", etag1);
        assertEquals(200, patched.statusCode(), patched.body());
        String etag2 = json(patched).get("@odata.etag").asText();
        assertNotEquals(etag1, etag2);
        assertEquals("Bergen", json(patched).get("city").asText());

        // PATCH with the stale etag: 409
        assertError(sim.send("PATCH", customers() + "(" + id + ")", token, "{\"city\":\"Molde\"}", "If-Match", etag1), 409,
                "Request_EntityChanged");

        // If-Match: * always wins
        assertEquals(200, sim.send("PATCH", customers() + "(" + id + ")", token, "{\"city\":\"Molde\"}", "If-Match", "*").statusCode());

        // DELETE with stale etag: 409; then without If-Match: 204; then 404
        assertError(sim.send("DELETE", customers() + "(" + id + ")", token, null, "If-Match", etag2), 409, "Request_EntityChanged");
        assertEquals(204, sim.send("DELETE", customers() + "(" + id + ")", token, null).statusCode());
        assertError(sim.get(customers() + "(" + id + ")", token), 404, "Internal_RecordNotFound");
    }

    @Test
    void patchWithStaleEtagIsRejectedWith409() throws Exception {
        JsonNode c = json(sim.send("POST", customers(), token, "{\"displayName\":\"Stale Co\"}"));
        String url = customers() + "(" + c.get("id").asText() + ")";
        assertEquals(200, sim.send("PATCH", url, token, "{\"city\":\"A\"}", "If-Match", c.get("@odata.etag").asText()).statusCode());
        HttpResponse<String> r = sim.send("PATCH", url, token, "{\"city\":\"B\"}", "If-Match", c.get("@odata.etag").asText());
        assertError(r, 409, "Request_EntityChanged");
        assertTrue(json(r).get("error").get("message").asText().startsWith("Another user has already changed the record."));
    }

    @Test
    void unknownSegmentIsResourceNotFound() throws Exception {
        HttpResponse<String> r = sim.get(sim.api() + "/companies(" + company + ")/contact", token);
        assertError(r, 404, "BadRequest_ResourceNotFound");
        assertTrue(json(r).get("error").get("message").asText().startsWith("Resource not found for the segment 'contact'."));
    }

    @Test
    void unknownCompanyIs404() throws Exception {
        assertEquals(404, sim.get(sim.api() + "/companies(00000000-0000-0000-0000-000000000001)/customers", token).statusCode());
    }

    @Test
    void invalidJsonBodyIsBadRequest() throws Exception {
        assertError(sim.send("POST", customers(), token, "{not json"), 400, "BadRequest_InvalidRequestBody");
    }

    @Test
    void unknownPropertyInBodyIsBadRequest() throws Exception {
        HttpResponse<String> r = sim.send("POST", customers(), token, "{\"displayName\":\"X\",\"favouriteColour\":\"blue\"}");
        assertError(r, 400, "BadRequest_InvalidRequestBody");
        assertTrue(r.body().contains("favouriteColour"));
    }

    @Test
    void wrongValueTypeAndTooLongStringAreRejected() throws Exception {
        assertEquals(400, sim.send("POST", customers(), token, "{\"creditLimit\":\"lots\"}").statusCode());
        assertError(sim.send("POST", customers(), token, "{\"displayName\":\"" + "x".repeat(101) + "\"}"), 400,
                "Application_StringExceededLength");
    }

    @Test
    void unsupportedMethodIs405() throws Exception {
        assertEquals(405, sim.send("PUT", customers(), token, "{}").statusCode());
    }

    @Test
    void metadataIsServedVerbatimAsXml() throws Exception {
        HttpResponse<String> r = sim.get(sim.api() + "/$metadata", token);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
        byte[] expected = BcApiCrudTest.class.getResourceAsStream("/simulator/bc-api-v2.0-metadata.xml").readAllBytes();
        assertEquals(new String(expected, java.nio.charset.StandardCharsets.UTF_8), r.body());
    }

    @Test
    void automationApiServesCompanies() throws Exception {
        HttpResponse<String> r = sim.get(sim.base + "/v2.0/production/api/microsoft/automation/v2.0/companies", token);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(3, json(r).get("value").size());
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json; odata.metadata=minimal"));
        JsonNode err = json(r).get("error");
        assertEquals(code, err.get("code").asText(), r.body());
        String requestId = r.headers().firstValue("request-id").orElseThrow();
        assertTrue(err.get("message").asText().endsWith("  CorrelationId:  " + requestId + "."), err.get("message").asText());
    }
}
