package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class BatchTest extends SimulatorTest {

    @Test
    void batchRunsEachOperationThroughTheNormalHandlers() throws Exception {
        ObjectNode root = SimulatorHarness.JSON.createObjectNode();
        ArrayNode reqs = root.putArray("requests");
        reqs.addObject().put("method", "GET").put("id", "1").put("url", "companies(" + company + ")/customers?$top=2");
        ObjectNode post = reqs.addObject().put("method", "POST").put("id", "2").put("url", "companies(" + company + ")/vendors");
        post.putObject("headers").put("Content-Type", "application/json");
        post.putObject("body").put("displayName", "Batch Vendor");
        reqs.addObject().put("method", "GET").put("id", "3").put("url", "companies(" + company + ")/nothing");
        reqs.addObject().put("method", "GET").put("id", "4").put("url", sim.api() + "/companies");

        HttpResponse<String> r = sim.send("POST", sim.api() + "/$batch", token, root.toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode responses = json(r).get("responses");
        assertEquals(4, responses.size());
        assertEquals("1", responses.get(0).get("id").asText());
        assertEquals(200, responses.get(0).get("status").asInt());
        assertEquals(2, responses.get(0).get("body").get("value").size());
        assertEquals(201, responses.get(1).get("status").asInt());
        assertEquals("Batch Vendor", responses.get(1).get("body").get("displayName").asText());
        assertTrue(responses.get(1).get("headers").has("location"));
        assertEquals(404, responses.get(2).get("status").asInt());
        assertEquals("BadRequest_ResourceNotFound", responses.get(2).get("body").get("error").get("code").asText());
        assertEquals(3, responses.get(3).get("body").get("value").size());
    }

    @Test
    void batchWithMoreThan100OperationsIsRejected() throws Exception {
        ObjectNode root = SimulatorHarness.JSON.createObjectNode();
        ArrayNode reqs = root.putArray("requests");
        for (int i = 0; i < 101; i++) reqs.addObject().put("method", "GET").put("id", "" + i).put("url", "companies");
        HttpResponse<String> r = sim.send("POST", sim.api() + "/$batch", token, root.toString());
        assertEquals(400, r.statusCode());
        assertTrue(json(r).get("error").get("message").asText().contains("100"));
    }

    @Test
    void batchNeedsAValidToken() throws Exception {
        assertEquals(401, sim.send("POST", sim.api() + "/$batch", null, "{\"requests\":[]}").statusCode());
    }
}
