package io.bcgateway.idempotency;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Idempotency keys against the simulator over loopback (connection {@code idem}, which requires a key on POST): a
 * repeated write is answered from its record and BC sees it once; a lost answer is never sent twice.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class IdempotentWritesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @InjectSimulator
    SimulatorClient simulator;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
    }

    private static String customers() {
        String company = given().get("/bc/idem/api/v2.0/companies").then().statusCode(200)
                .extract().path("value[0].id");
        return "/bc/idem/api/v2.0/companies(" + company + ")/customers";
    }

    private static HttpResponse<String> post(String path, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Gateway.url(path))).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private long bcPosts() {
        return simulator.bcRequests().stream().filter(r -> "POST".equals(r.getString("method"))).count();
    }

    @Test
    void theSamePostFiveTimesInSequenceReachesBcOnceAndEveryoneGetsTheSame201() {
        String customers = customers();
        simulator.resetRequestLog();
        String key = UUID.randomUUID().toString();
        String body = "{\"displayName\":\"Idempotent Sequence Ltd\"}";
        HttpResponse<String> first = post(customers, key, body);
        assertEquals(201, first.statusCode(), first.body());
        assertFalse(first.headers().firstValue("Idempotent-Replayed").isPresent(), "the first answer is BC's");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> repeat = post(customers, key, body);
            assertEquals(201, repeat.statusCode(), repeat.body());
            assertEquals(first.body(), repeat.body());
            assertEquals(etag, repeat.headers().firstValue("ETag").orElse(null));
            assertEquals(first.headers().firstValue("Location"), repeat.headers().firstValue("Location"));
            assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElse(null));
        }
        assertEquals(1, bcPosts(), "BC saw one POST");
    }

    @Test
    void theSamePostFiveTimesAtOnceReachesBcOnceAndTheOthersGetTheAnswerOr409() throws Exception {
        String customers = customers();
        simulator.updateSettings(new JsonObject().put("latencyMillis", 800)); // the first is in flight meanwhile
        simulator.resetRequestLog();
        String key = UUID.randomUUID().toString();
        String body = "{\"displayName\":\"Idempotent Concurrent Ltd\"}";
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> post(customers, key, body)));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> created = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get();
            if (r.statusCode() == 409) {
                assertTrue(r.body().contains("urn:bc-gateway:problem:idempotency-key-in-use"), r.body());
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
            } else {
                assertEquals(201, r.statusCode(), r.body());
                created.add(r);
            }
        }
        assertFalse(created.isEmpty());
        created.forEach(r -> {
            assertEquals(created.get(0).body(), r.body());
            assertEquals(created.get(0).headers().firstValue("ETag"), r.headers().firstValue("ETag"));
        });
        // Those that got 409 repeat after the first was answered, and get its answer.
        HttpResponse<String> later = post(customers, key, body);
        assertEquals(201, later.statusCode());
        assertEquals(created.get(0).body(), later.body());
        assertEquals(1, bcPosts(), "BC saw one POST");
    }

    @Test
    void anotherBodyUnderTheSameKeyIs422AndNeverSent() {
        String customers = customers();
        String key = UUID.randomUUID().toString();
        assertEquals(201, post(customers, key, "{\"displayName\":\"First Body\"}").statusCode());
        simulator.resetRequestLog();
        HttpResponse<String> other = post(customers, key, "{\"displayName\":\"Second Body\"}");
        assertEquals(422, other.statusCode(), other.body());
        assertTrue(other.body().contains("urn:bc-gateway:problem:idempotency-key-reused"), other.body());
        assertEquals("application/problem+json", other.headers().firstValue("Content-Type").orElse(""));
        assertEquals(0, bcPosts());
    }

    @Test
    void aPostWhoseAnswerIsLostAfterBcExecutedItIsOutcomeUnknownAndNeverSentTwice() {
        String customers = customers();
        simulator.resetRequestLog();
        simulator.call("POST", "/_sim/faults/force", new JsonObject().put("drop", "after-execution").put("count", 1));
        String key = UUID.randomUUID().toString();
        String body = "{\"displayName\":\"Lost Answer Ltd\"}";
        HttpResponse<String> first = post(customers, key, body);
        assertEquals(502, first.statusCode(), first.body());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> repeat = post(customers, key, body);
            assertEquals(502, repeat.statusCode(), repeat.body());
            JsonObject problem = new JsonObject(repeat.body());
            assertEquals("urn:bc-gateway:problem:outcome-unknown", problem.getString("type"));
            assertTrue(problem.getString("detail").contains("GET by its natural key"), problem.getString("detail"));
        }
        long created = simulator.bcRequests().stream().filter(r -> "POST".equals(r.getString("method"))).count();
        assertEquals(1, created, "BC saw exactly one POST");
        // ... and it did create the customer: the answer, not the write, was lost.
        String list = given().queryParam("$filter", "displayName eq 'Lost Answer Ltd'").get(customers).then()
                .statusCode(200).extract().asString();
        assertEquals(1, new JsonObject(list).getJsonArray("value").size());
    }

    @Test
    void aConnectionThatRequiresAKeyRefusesAPostWithoutOne() {
        String customers = customers();
        simulator.resetRequestLog();
        HttpResponse<String> r = post(customers, null, "{\"displayName\":\"No Key Ltd\"}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("urn:bc-gateway:problem:idempotency-key-missing"), r.body());
        assertEquals(0, bcPosts());
    }

    @Test
    void anEmptyOrOverlongKeyIs400() {
        String customers = customers();
        for (String key : List.of("\"\"", "k".repeat(256))) {
            HttpResponse<String> r = post(customers, key, "{\"displayName\":\"Bad Key Ltd\"}");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("urn:bc-gateway:problem:idempotency-key-invalid"), r.body());
        }
        assertEquals(201, post(customers, "k".repeat(255), "{\"displayName\":\"Long Key Ltd\"}").statusCode());
    }

    @Test
    void aKeyedWriteWithABodyOverTheLimitIs413() {
        String customers = customers();
        String big = "{\"displayName\":\"" + "x".repeat(1_100_000) + "\"}";
        HttpResponse<String> r = post(customers, UUID.randomUUID().toString(), big);
        assertEquals(413, r.statusCode(), r.body());
        assertNotNull(r.headers().firstValue("Content-Type").filter(t -> t.startsWith("application/problem+json"))
                .orElse(null));
    }
}
