package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.enc;
import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ODataQueryAndPagingTest {

    static final int CUSTOMERS = 1234;
    static SimulatorHarness sim;
    static String token;
    static String customers;

    @BeforeAll
    static void start() throws Exception {
        SimulatorSettings s = SimulatorSettings.defaults().companies(1).customersPerCompany(CUSTOMERS);
        sim = SimulatorHarness.start(s, "/sim"); // mounted as a sub-router: links must carry the prefix
        token = sim.token();
        customers = sim.api() + "/companies(" + sim.firstCompanyId(token) + ")/customers";
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    JsonNode getJson(String query) throws Exception {
        HttpResponse<String> r = sim.get(customers + query, token);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    @Test
    void filterEqOnStringLiteral() throws Exception {
        JsonNode v = getJson("?$filter=" + enc("displayName eq 'Trey Research'")).get("value");
        assertEquals(1, v.size());
        assertEquals("20000", v.get(0).get("number").asText());
    }

    @Test
    void filterHandlesEscapedQuotesContainsStartswithAndOr() throws Exception {
        assertEquals(1, getJson("?$filter=" + enc("displayName eq 'Margie''s Travel'")).get("value").size());
        JsonNode v = getJson("?$filter=" + enc("startswith(displayName,'Alpine Ski') or contains(displayName,'Fine Art')")).get("value");
        assertEquals(2, v.size());
        JsonNode none = getJson("?$filter=" + enc("startswith(displayName,'Alpine Ski') and not (number eq '40000')")).get("value");
        assertEquals(0, none.size());
    }

    @Test
    void filterComparesNumbersGuidsBooleansAndDates() throws Exception {
        JsonNode big = getJson("?$filter=" + enc("balanceDue gt 40000 and taxLiable eq true")).get("value");
        assertFalse(big.isEmpty());
        big.forEach(c -> assertTrue(c.get("balanceDue").decimalValue().compareTo(new BigDecimal(40000)) > 0));
        JsonNode first = getJson("?$top=1").get("value").get(0);
        JsonNode byId = getJson("?$filter=" + enc("id eq " + first.get("id").asText())).get("value");
        assertEquals(1, byId.size());
        assertEquals(0, getJson("?$filter=" + enc("lastModifiedDateTime gt 2030-01-01T00:00:00Z")).get("value").size());
        assertEquals(2, getJson("?$filter=" + enc("number in ('10000','30000')")).get("value").size());
    }

    @Test
    void plusInQueryStringIsASpace() throws Exception {
        assertEquals(1, getJson("?$filter=displayName+eq+%27Trey+Research%27").get("value").size());
    }

    @Test
    void selectReturnsOnlyTheNamedPropertiesPlusEtag() throws Exception {
        JsonNode body = getJson("?$select=number,displayName&$top=2");
        assertTrue(body.get("@odata.context").asText().endsWith("/customers(number,displayName)"));
        JsonNode row = body.get("value").get(0);
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("@odata.etag", "number", "displayName"), names);
    }

    @Test
    void orderByTopAndSkip() throws Exception {
        JsonNode four = getJson("?$orderby=" + enc("balanceDue desc") + "&$top=4").get("value");
        for (int i = 1; i < four.size(); i++) {
            assertTrue(four.get(i - 1).get("balanceDue").decimalValue().compareTo(four.get(i).get("balanceDue").decimalValue()) >= 0);
        }
        JsonNode skipped = getJson("?$orderby=" + enc("balanceDue desc") + "&$top=3&$skip=1").get("value");
        assertEquals(3, skipped.size());
        for (int i = 0; i < 3; i++) assertEquals(four.get(i + 1).get("id"), skipped.get(i).get("id"));
        JsonNode byName = getJson("?$orderby=" + enc("displayName asc,number desc") + "&$top=50").get("value");
        for (int i = 1; i < byName.size(); i++) {
            assertTrue(byName.get(i - 1).get("displayName").asText().compareTo(byName.get(i).get("displayName").asText()) <= 0);
        }
    }

    @Test
    void unknownPropertyInQueryOptionsIsBadRequest() throws Exception {
        for (String q : List.of("?$filter=" + enc("shoeSize eq 3"), "?$select=shoeSize", "?$orderby=shoeSize")) {
            HttpResponse<String> r = sim.get(customers + q, token);
            BcApiCrudTest.assertError(r, 400, "BadRequest_NotFound");
            assertTrue(r.body().contains("shoeSize"));
        }
        assertEquals(400, sim.get(customers + "?$filter=" + enc("displayName eq"), token).statusCode());
        assertEquals(400, sim.get(customers + "?$top=-1", token).statusCode());
    }

    @Test
    void pagingWithMaxPageSizeVisitsEveryRowExactlyOnce() throws Exception {
        Set<String> ids = new HashSet<>();
        int pages = 0;
        String url = customers + "?$select=id,number";
        while (url != null) {
            HttpResponse<String> r = sim.get(url, token, "Prefer", "odata.maxpagesize=100");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("odata.maxpagesize=100", r.headers().firstValue("Preference-Applied").orElseThrow());
            JsonNode body = json(r);
            for (JsonNode row : body.get("value")) assertTrue(ids.add(row.get("id").asText()), "duplicate row");
            List<String> fields = new ArrayList<>();
            body.fieldNames().forEachRemaining(fields::add);
            url = body.has("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
            if (url != null) {
                assertEquals("@odata.nextLink", fields.get(fields.size() - 1), "nextLink comes after value");
                assertTrue(url.startsWith(sim.base + "/v2.0/production/api/v2.0/companies("), url);
                assertTrue(url.contains("$select=id,number") || url.contains("$select=id%2Cnumber"), url);
                assertEquals(1, url.split("\\$skiptoken=", -1).length - 1, "exactly one skiptoken");
            }
            pages++;
        }
        assertEquals(CUSTOMERS, ids.size());
        assertEquals((CUSTOMERS + 99) / 100, pages);
    }

    @Test
    void pagingKeepsTheFilterAcrossPages() throws Exception {
        int total = getJson("?$filter=" + enc("type eq 'Company'") + "&$count=true").get("@odata.count").asInt();
        int seen = 0;
        String url = customers + "?$filter=" + enc("type eq 'Company'");
        while (url != null) {
            JsonNode body = json(sim.get(url, token, "Prefer", "odata.maxpagesize=50"));
            for (JsonNode row : body.get("value")) {
                assertEquals("Company", row.get("type").asText());
                seen++;
            }
            url = body.has("@odata.nextLink") ? body.get("@odata.nextLink").asText() : null;
        }
        assertEquals(total, seen);
    }

    @Test
    void serverPageSizeLimitAppliesWithoutPreferHeader() throws Exception {
        sim.control("PUT", "/_sim/settings", "{\"maxPageSize\":500}");
        try {
            JsonNode body = getJson("");
            assertEquals(500, body.get("value").size());
            assertTrue(body.has("@odata.nextLink"));
        } finally {
            sim.control("PUT", "/_sim/settings", "{\"maxPageSize\":20000}");
        }
    }

    @Test
    void topNeverProducesANextLink() throws Exception {
        HttpResponse<String> r = sim.get(customers + "?$top=300", token, "Prefer", "odata.maxpagesize=100");
        JsonNode body = json(r);
        assertEquals(300, body.get("value").size());
        assertNull(body.get("@odata.nextLink"));
    }

    @Test
    void collectionWithinPageSizeHasNoNextLink() throws Exception {
        JsonNode body = getJson("");
        assertEquals(CUSTOMERS, body.get("value").size());
        assertNull(body.get("@odata.nextLink"));
    }
}
