package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.bcgateway.testing.CallerTransport;
import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.SimulatorProcess;
import io.bcgateway.testing.TlsListener;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Microsoft's S2S walkthrough, through the gateway, with no token handling by the caller: in clear and over TLS, and
 * the paging over HTTP/2 as well.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class WalkthroughTest {

    private static final String API = "/bc/sim/api/v2.0";
    private static final String FULL = "application/json;odata.metadata=full";

    @InjectSimulator
    SimulatorClient simulator;

    private static String firstCompanyId() {
        return given().get(API + "/companies").then().statusCode(200)
                .body("value[0].name", equalTo("CRONUS USA, Inc."))
                .extract().path("value[0].id");
    }

    /** rest-assured speaks HTTP/1.1, in clear or over TLS (trusting the test listener's certificate). */
    private static RequestSpecification over(CallerTransport transport) {
        return switch (transport) {
            case HTTP_1_1 -> given();
            case HTTPS_1_1 -> given().baseUri("https://localhost").port(TlsListener.port())
                    .trustStore(TlsListener.dir().resolve("client-trust.p12").toFile(), TlsListener.PASSWORD);
            default -> throw new IllegalArgumentException(transport + ": rest-assured speaks HTTP/1.1 only");
        };
    }

    @ParameterizedTest
    @EnumSource(value = CallerTransport.class, names = { "HTTP_1_1", "HTTPS_1_1" })
    void createFindRenameAndDeleteACustomer(CallerTransport transport) {
        String company = firstCompanyId();
        String customers = API + "/companies(" + company + ")/customers";

        Response created = over(transport).contentType("application/json")
                .body("{\"displayName\":\"Gateway Walkthrough Ltd.\",\"type\":\"Company\",\"city\":\"Atlanta\"}")
                .post(customers);
        created.then().statusCode(201).body("displayName", equalTo("Gateway Walkthrough Ltd."));
        String id = created.path("id");
        String etag = created.path("'@odata.etag'");
        assertNotNull(etag);

        over(transport).queryParam("$filter", "displayName eq 'Gateway Walkthrough Ltd.'").get(customers)
                .then().statusCode(200).body("value", hasSize(1)).body("value[0].id", equalTo(id));

        Response renamed = over(transport).contentType("application/json").header("If-Match", etag)
                .body("{\"displayName\":\"Gateway Walkthrough Renamed\"}")
                .patch(customers + "(" + id + ")");
        renamed.then().statusCode(200).body("displayName", equalTo("Gateway Walkthrough Renamed"))
                .body("'@odata.etag'", not(equalTo(etag)));

        // BC's own errors pass through unchanged: a stale ETag is BC's 409, not a gateway problem.
        over(transport).contentType("application/json").header("If-Match", etag).body("{\"displayName\":\"Stale\"}")
                .patch(customers + "(" + id + ")")
                .then().statusCode(409).contentType(startsWith("application/json"))
                .body("error.code", equalTo("Request_EntityChanged"));

        over(transport).header("If-Match", (String) renamed.path("'@odata.etag'")).delete(customers + "(" + id + ")")
                .then().statusCode(204);
        over(transport).get(customers + "(" + id + ")").then().statusCode(404).body("error.code", not(equalTo(null)));
    }

    /** Over HTTP/2 the links are made from {@code :authority}, as over HTTP/1.1 from {@code Host}. */
    @ParameterizedTest
    @EnumSource(value = CallerTransport.class, names = "H2C_PRIOR_KNOWLEDGE", mode = EnumSource.Mode.EXCLUDE)
    void pagesThroughTheGatewayByFollowingRewrittenNextLinks(CallerTransport transport) throws Exception {
        String first = transport.uri(API + "/companies(" + firstCompanyId() + ")/customers?$select=id,displayName")
                .toString();
        HttpClient client = transport.client();
        Set<String> ids = new HashSet<>();
        int pages = 0;
        String next = first;
        while (next != null && pages < 50) {
            // java.net.http sends the link exactly as the gateway wrote it
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(next)).timeout(Duration.ofSeconds(30))
                    .header("Prefer", "odata.maxpagesize=10").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonPath page = JsonPath.from(r.body());
            ids.addAll(page.getList("value.id"));
            next = page.getString("'@odata.nextLink'");
            if (next != null) {
                assertTrue(next.startsWith(transport.uri("/bc/sim/api/v2.0/companies(").toString()), next);
            }
            pages++;
        }
        int total = JsonPath.from(Gateway.get(API + "/companies(" + firstCompanyId() + ")/customers").body())
                .getList("value").size();
        assertEquals(total, ids.size(), "every customer exactly once");
        assertTrue(pages >= 3, "the demo data spans several pages of 10, got " + pages);
    }

    @Test
    void nextLinksHonourTheReverseProxyInFront() {
        String link = given().header("Prefer", "odata.maxpagesize=2")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "erp-gw.contoso.com")
                .header("X-Forwarded-Prefix", "/bc-gateway/")
                .get(API + "/companies(" + firstCompanyId() + ")/customers")
                .then().statusCode(200).extract().path("'@odata.nextLink'");
        assertTrue(link.startsWith("https://erp-gw.contoso.com/bc-gateway/bc/sim/api/v2.0/companies("), link);
    }

    @Test
    void eachCallLeavesOneAccessLogLineWithAPathTemplateAndNoRecordIds() {
        String company = firstCompanyId();
        try (LogCapture logs = LogCapture.install()) {
            given().queryParam("$filter", "displayName eq 'Adatum Corporation'")
                    .get(API + "/companies(" + company + ")/customers").then().statusCode(200);
            List<String> access = logs.awaitLines(l -> l.startsWith("io.bcgateway.access"), 1, Duration.ofSeconds(5));
            assertEquals(1, access.size(), access::toString);
            String line = access.get(0);
            assertTrue(line.contains("GET /bc/sim/api/v2.0/companies(*)/customers connection=sim status=200"), line);
            assertTrue(line.contains("attempts=1") && line.matches(".*bc_request_id=[0-9a-f-]{36}.*"), line);
            assertFalse(line.contains(company) || line.contains("Adatum"), "no ids or filter values: " + line);
        }
    }

    @Test
    void unknownConnectionIsA404ProblemThatOdataClientsCanReadToo() {
        Response r = given().get("/bc/nowhere/api/v2.0/companies");
        r.then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:unknown-connection"))
                .body("title", equalTo("Unknown connection"))
                .body("status", equalTo(404)).body("connection", equalTo("nowhere"))
                .body("detail", not(equalTo(null)))
                .body("error.code", equalTo("Gateway_UnknownConnection"));
        assertEquals((String) r.path("detail"), r.path("error.message"));
    }

    @Test
    void aCreatedEntitysLocationAndLinksPointAtTheGatewayNotAtBusinessCentral() {
        String company = firstCompanyId();
        String customers = API + "/companies(" + company + ")/customers";
        Response created = given().contentType("application/json").accept(FULL)
                .body("{\"displayName\":\"Location Check Ltd.\"}").post(customers);
        created.then().statusCode(201);
        String self = Gateway.url(customers + "(" + created.path("id") + ")");
        assertEquals(self, created.header("Location"));
        assertEquals(Gateway.url(API + "/$metadata#companies(" + company + ")/customers/$entity"),
                created.path("'@odata.context'"));
        assertEquals(self, created.path("'@odata.id'"));
        assertEquals(self, created.path("'@odata.editLink'"));
        assertEquals(self + "/picture", created.path("'picture@odata.navigationLink'"));
        assertFalse(created.asString().contains(simulator.baseUrl()), created.asString());

        // The rewritten edit link is one the caller can use: through the gateway, with no token of its own.
        HttpResponse<String> read = Gateway.send(HttpRequest.newBuilder(URI.create(created.path("'@odata.editLink'")))
                .GET().build());
        assertEquals(200, read.statusCode(), read.body());
        given().header("If-Match", "*").delete(customers + "(" + created.path("id") + ")").then().statusCode(204);
    }

    @Test
    void fullMetadataPagesCarryOnlyTheGatewaysAddresses() {
        String company = firstCompanyId();
        Response page = given().accept(FULL).header("Prefer", "odata.maxpagesize=3")
                .get(API + "/companies(" + company + ")/customers");
        page.then().statusCode(200).contentType(startsWith("application/json; odata.metadata=full"));
        String body = page.asString();
        assertFalse(body.contains(simulator.baseUrl()), body);
        String gateway = Gateway.url("/bc/sim/api/v2.0/");
        List<String> links = new java.util.ArrayList<>(List.of(page.path("'@odata.context'"),
                page.path("'@odata.nextLink'")));
        for (String member : List.of("'@odata.id'", "'@odata.editLink'", "'picture@odata.navigationLink'",
                "'picture@odata.associationLink'")) {
            List<String> values = page.path("value." + member);
            assertEquals(3, values.size(), member);
            links.addAll(values);
        }
        links.forEach(link -> assertTrue(link.startsWith(gateway), link));
    }

    @Test
    void pathsThatCouldEscapeTheEnvironmentAreRefused() {
        // Sent with java.net.http, which (unlike rest-assured) leaves dot segments as they are.
        for (String path : new String[] { API + "/%2e%2e/%2e%2e/sandbox/api/v2.0/companies",
                API + "/companies%2F..%2Fx", API + "/companies%5c", "/bc/sim/", "/bc/sim//v2.0/x" }) {
            HttpResponse<String> r = Gateway.get(path);
            assertEquals(400, r.statusCode(), path);
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), path);
            assertTrue(r.body().contains("\"status\":400"), r.body());
        }
    }

    @Test
    void methodsBusinessCentralDoesNotUseAreRefused() {
        given().request("TRACE", API + "/companies").then().statusCode(405)
                .contentType("application/problem+json");
    }
}
