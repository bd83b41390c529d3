package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Fan-out across companies and pages, and $batch splitting, against the simulator as a separate process.
 * {@link FanoutIT} runs the same against the packaged gateway with a 64 MB heap.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
public class FanoutTest {

    @InjectSimulator
    SimulatorClient simulator;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
        seed(3, 25); // the simulator's default data, which the other test classes expect
    }

    private void seed(int companies, int customersPerCompany) {
        simulator.updateSettings(new JsonObject().put("companies", companies)
                .put("customersPerCompany", customersPerCompany));
    }

    private static JsonObject get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Gateway.url(path))).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = Gateway.send(b.build());
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private static List<JsonObject> rows(JsonObject answer) {
        return answer.getJsonArray("value").stream().map(JsonObject.class::cast).toList();
    }

    @Test
    public void aFanOutOverTenCompaniesEqualsTheUnionOfTenDirectQueries() {
        seed(10, 30);
        JsonObject fanout = get("/fanout/fanout/companies/customers?$select=id,number,displayName"
                + "&$filter=number%20ge%20'100000'", "Prefer", "odata.maxpagesize=7", "Cache-Control", "no-cache");
        assertEquals(10, fanout.getInteger("@gateway.targets"));
        assertEquals(10, fanout.getInteger("@gateway.succeeded"));
        assertEquals(new JsonArray(), fanout.getJsonArray("@gateway.failures"));

        List<JsonObject> companies = rows(get("/bc/fanout/api/v2.0/companies"));
        assertEquals(10, companies.size());
        Set<String> direct = new HashSet<>();
        Map<String, String> names = companies.stream()
                .collect(Collectors.toMap(c -> c.getString("id"), c -> c.getString("name")));
        for (JsonObject company : companies) {
            String id = company.getString("id");
            for (JsonObject row : rows(get("/bc/fanout/api/v2.0/companies(" + id + ")/customers?$select=id"
                    + "&$filter=number%20ge%20'100000'", "X-Gateway-All-Pages", "true"))) {
                direct.add(id + "/" + row.getString("id"));
            }
        }
        Set<String> fannedOut = new HashSet<>();
        for (JsonObject row : rows(fanout)) {
            String companyId = row.getString("@gateway.companyId");
            assertEquals(names.get(companyId), row.getString("@gateway.companyName"));
            assertTrue(fannedOut.add(companyId + "/" + row.getString("id")), "no row twice");
        }
        assertTrue(direct.size() > 10, "the filter leaves rows in several companies: " + direct.size());
        assertEquals(direct, fannedOut);
        assertEquals(direct.size(), fanout.getInteger("@gateway.rows"));
    }

    @Test
    public void allPagesOfFiftyThousandRowsComeBackExactlyOnce() {
        seed(1, 50_000);
        String company = rows(get("/bc/fanout/api/v2.0/companies")).get(0).getString("id");
        JsonObject all = get("/bc/fanout/api/v2.0/companies(" + company + ")/customers?$select=id",
                "X-Gateway-All-Pages", "true");
        Set<String> ids = new HashSet<>();
        rows(all).forEach(r -> ids.add(r.getString("id")));
        assertEquals(50_000, rows(all).size());
        assertEquals(50_000, ids.size(), "every id exactly once");
        assertEquals(new JsonArray(), all.getJsonArray("@gateway.failures"));
        // BC's context URL, like the pass-through's, points at the gateway, not at BC.
        assertTrue(all.getString("@odata.context").startsWith(Gateway.url("/bc/fanout/")), all.getString("@odata.context"));
    }

    @Test
    public void aFailingCompanyIsReportedAndTheOthersStillAnswer() {
        seed(4, 5);
        get("/fanout/fanout/companies/customers", "Cache-Control", "no-cache"); // a fresh company list, cached
        // One target at a time, so the first company's request gets the forced 403 (final: not retried).
        simulator.forceFaults(403, 1);
        JsonObject answer = get("/fanout/fanout/companies/customers?$select=id", "X-Gateway-Concurrency", "1");
        assertEquals(4, answer.getInteger("@gateway.targets"));
        assertEquals(3, answer.getInteger("@gateway.succeeded"));
        JsonArray failures = answer.getJsonArray("@gateway.failures");
        assertEquals(1, failures.size(), failures::encode);
        JsonObject failure = failures.getJsonObject(0);
        assertEquals(403, failure.getInteger("status"));
        assertTrue(failure.getString("companyId").matches("[0-9a-f-]{36}"), failure::encode);
        assertEquals(15, rows(answer).size(), "the three other companies' five customers each");
        assertTrue(rows(answer).stream().noneMatch(r -> failure.getString("companyId")
                .equals(r.getString("@gateway.companyId"))));
    }

    @Test
    public void aNextLinkToAForeignHostIsNotFollowed() {
        seed(1, 30);
        String company = rows(get("/bc/fanout/api/v2.0/companies")).get(0).getString("id");
        simulator.updateSettings(new JsonObject().put("nextLinkOrigin", "http://elsewhere.example"));
        simulator.resetRequestLog();
        JsonObject answer = get("/bc/fanout/api/v2.0/companies(" + company + ")/customers",
                "X-Gateway-All-Pages", "true", "Prefer", "odata.maxpagesize=10");
        assertEquals(10, rows(answer).size(), "the first page only");
        JsonObject failure = answer.getJsonArray("@gateway.failures").getJsonObject(0);
        assertEquals("gateway.foreign-next-link", failure.getJsonObject("error").getString("code"));
        assertEquals(1, simulator.bcRequests().size(), "nothing followed the link");
    }

    @Test
    public void aBatchOf250OperationsIsSplitIntoThreeAndAnsweredInOrder() {
        seed(3, 25);
        String company = rows(get("/bc/fanout/api/v2.0/companies")).get(0).getString("id");
        JsonArray requests = new JsonArray();
        for (int i = 0; i < 250; i++) {
            requests.add(new JsonObject().put("method", "GET").put("id", "op" + i)
                    .put("url", "companies(" + company + ")/customers?$top=1&$select=number"));
        }
        simulator.resetRequestLog();
        JsonObject answer = new JsonObject(given().contentType("application/json")
                .body(new JsonObject().put("requests", requests).encode())
                .post("/bc/fanout/api/v2.0/$batch").then().statusCode(200).extract().asString());
        JsonArray responses = answer.getJsonArray("responses");
        assertEquals(250, responses.size());
        for (int i = 0; i < 250; i++) {
            assertEquals("op" + i, responses.getJsonObject(i).getString("id"));
            assertEquals(200, responses.getJsonObject(i).getInteger("status"));
        }
        assertEquals(3, simulator.bcRequests().stream().filter(e -> e.getString("path").contains("batch")).count());
    }

    @Test
    public void batchesThatCannotBeSplitOrParsedAreRefused() {
        JsonArray requests = new JsonArray();
        for (int i = 0; i < 101; i++) {
            requests.add(new JsonObject().put("method", "GET").put("id", "op" + i).put("url", "companies"));
        }
        given().contentType("application/json").header("Isolation", "snapshot")
                .body(new JsonObject().put("requests", requests).encode()).post("/bc/fanout/api/v2.0/$batch")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType("application/json").body("{\"requests\": [").post("/bc/fanout/api/v2.0/$batch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("connection", equalTo("fanout"));
    }
}
