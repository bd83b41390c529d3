package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** {@code Accept: application/json;odata.metadata=full|minimal|none} as OData v4's JSON format and BC answer it. */
class MetadataLevelsTest extends SimulatorTest {

    private HttpResponse<String> customers(String accept) throws Exception {
        return sim.get(sim.api() + "/companies(" + company + ")/customers?$top=2", token, "Accept", accept);
    }

    @Test
    void minimalIsTheDefaultWithContextAndEtagOnly() throws Exception {
        HttpResponse<String> r = customers("application/json");
        assertEquals("application/json; odata.metadata=minimal; odata.streaming=true", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json(r);
        assertTrue(body.has("@odata.context"));
        JsonNode row = body.get("value").get(0);
        assertTrue(row.has("@odata.etag"));
        assertFalse(row.has("@odata.id") || row.has("@odata.editLink") || row.has("@odata.type") || row.has("id@odata.type"));
    }

    @Test
    void fullCarriesTypeIdEditLinkPropertyTypesAndNavigationLinks() throws Exception {
        HttpResponse<String> r = customers("application/json;odata.metadata=full");
        assertEquals("application/json; odata.metadata=full; odata.streaming=true", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json(r);
        String set = sim.api() + "/companies(" + company + ")/customers";
        assertEquals(sim.api() + "/$metadata#companies(" + company + ")/customers", body.get("@odata.context").asText());
        JsonNode row = body.get("value").get(0);
        String url = set + "(" + row.get("id").asText() + ")";
        assertEquals("#Microsoft.NAV.customer", row.get("@odata.type").asText());
        assertEquals(url, row.get("@odata.id").asText());
        assertEquals(url, row.get("@odata.editLink").asText());
        assertTrue(row.has("@odata.etag"));
        assertEquals("#Guid", row.get("id@odata.type").asText());
        assertEquals("#DateTimeOffset", row.get("lastModifiedDateTime@odata.type").asText());
        assertFalse(row.has("displayName@odata.type"), "a string's type is not written");
        assertEquals(url + "/picture", row.get("picture@odata.navigationLink").asText());
        assertEquals(url + "/picture/$ref", row.get("picture@odata.associationLink").asText());
        Iterator<String> names = row.fieldNames();
        assertEquals("@odata.type", names.next(), "the entity's control information comes first");
    }

    @Test
    void fullGivesStreamPropertiesTheirMediaLinks() throws Exception {
        HttpResponse<String> created = sim.send("POST", sim.api() + "/companies(" + company + ")/documentAttachments",
                token, "{\"fileName\":\"note.txt\"}", "Accept", "application/json;odata.metadata=full");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode row = json(created);
        String url = sim.api() + "/companies(" + company + ")/documentAttachments(" + row.get("id").asText() + ")";
        assertEquals(url + "/attachmentContent", row.get("attachmentContent@odata.mediaReadLink").asText());
        assertEquals(url + "/attachmentContent", row.get("attachmentContent@odata.mediaEditLink").asText());
    }

    @Test
    void noneLeavesOutAllControlInformationButNextLinkAndCount() throws Exception {
        HttpResponse<String> r = sim.get(sim.api() + "/companies(" + company + ")/customers?$count=true", token,
                "Accept", "application/json;odata.metadata=none", "Prefer", "odata.maxpagesize=2");
        assertEquals("application/json; odata.metadata=none; odata.streaming=true", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode body = json(r);
        assertFalse(body.has("@odata.context"));
        assertTrue(body.has("@odata.nextLink"));
        assertTrue(body.has("@odata.count"));
        body.get("value").forEach(row -> row.fieldNames().forEachRemaining(
                name -> assertFalse(name.contains("@odata."), name)));
    }

    @Test
    void aSingleEntityAnswersAtTheRequestedLevelToo() throws Exception {
        String id = json(customers("application/json")).get("value").get(0).get("id").asText();
        String url = sim.api() + "/companies(" + company + ")/customers(" + id + ")";
        JsonNode full = json(sim.get(url, token, "Accept", "application/json;odata.metadata=full"));
        assertEquals(url, full.get("@odata.id").asText());
        JsonNode none = json(sim.get(url, token, "Accept", "application/json;odata.metadata=none"));
        assertFalse(none.has("@odata.context") || none.has("@odata.etag"));
    }
}
