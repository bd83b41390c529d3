package io.bcgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.RawHttp;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Hostile input, sent byte for byte: every case is answered 4xx (problem+json where the gateway answers; the HTTP
 * decoder's own 414/431/413 for oversized parts), never 5xx, and none reaches Business Central — the simulator's
 * request log stays empty.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private static final String API = "/bc/sim/api/v2.0";

    @InjectSimulator
    SimulatorClient simulator;

    @BeforeAll
    void quietLog() {
        simulator.resetRequestLog();
    }

    @AfterAll
    void nothingReachedBusinessCentral() {
        assertEquals(List.of(), simulator.bcRequests(), "no hostile request reached BC");
    }

    static Stream<Arguments> answeredWithAProblem() {
        List<Arguments> cases = new ArrayList<>();
        // Path tricks: dot segments, encoded separators, NUL, empty segments, escaping the environment.
        for (String target : new String[] { API + "/../../../sandbox/api/v2.0/companies",
                "/bc/sim/../sim/api/v2.0/companies", "/bc/sim/%2e%2e/%2e%2e/x", "/bc/sim/%2E%2E/x", "/bc/sim/.%2e/x",
                "/bc/sim/%2e./x", "/bc/sim/api/./v2.0/companies", "/bc/sim/api/%2e/v2.0", API + "/companies/..",
                API + "/companies/.", "/bc/../bc/sim/api/v2.0/companies", "/fanout/../bc/sim/api/v2.0/companies",
                "/bc/sim/api%2fv2.0%2fcompanies", "/bc/sim/api%2Fv2.0", "/bc/sim/api%5cv2.0", "/bc/sim/api%5Cv2.0",
                API + "/companies%00", API + "/%00", "/bc/sim//api/v2.0/companies",
                "/bc/sim/", "/bc/sim", "/fanout/sim/companies/%2e%2e/customers", "/fanout/sim/customers",
                "/fanout/sim/companies/", "/fanout/connections", "/fanout/connections/" }) {
            cases.add(Arguments.of("path " + target, "GET " + target + " HTTP/1.1", null));
        }
        // Absolute-form targets name a host; the upstream host never comes from the caller.
        for (String target : new String[] { "http://evil.example/bc/sim/api/v2.0/companies",
                "http://localhost/bc/sim/api/v2.0/companies", "https://127.0.0.1:1/bc/sim/api" }) {
            cases.add(Arguments.of("absolute-form " + target, "GET " + target + " HTTP/1.1", null));
        }
        // Unknown or malformed connection names.
        for (String target : new String[] { "/bc/nope/api/v2.0/companies", "/bc/NOPE2/api", "/bc/%2e%2e/api",
                "/bc/sim%00/api", "/bc/sim%2fx/api", "/fanout/nope/companies/customers" }) {
            cases.add(Arguments.of("connection " + target, "GET " + target + " HTTP/1.1", null));
        }
        cases.add(Arguments.of("unknown connection in a fan-out list",
                "GET /fanout/connections/api/v2.0/companies HTTP/1.1\r\nX-Gateway-Connections: sim,nope", null));
        // Methods BC does not use, and writes to fan-outs.
        for (String method : new String[] { "TRACE", "OPTIONS", "PROPFIND", "FOO", "MERGE", "CONNECTX" }) {
            cases.add(Arguments.of("method " + method, method + " " + API + "/companies HTTP/1.1", null));
        }
        cases.add(Arguments.of("POST to a fan-out", "POST /fanout/sim/companies/customers HTTP/1.1", new byte[0]));
        cases.add(Arguments.of("DELETE to a fan-out", "DELETE /fanout/sim/companies/customers HTTP/1.1", null));
        // Gateway headers with bad values.
        String fanout = "GET /fanout/sim/companies/customers HTTP/1.1\r\n";
        for (String header : new String[] { "X-Gateway-Deadline: abc", "X-Gateway-Deadline: -5",
                "X-Gateway-Deadline: 5h", "X-Gateway-Deadline: 1e3" }) {
            cases.add(Arguments.of("header " + header, "GET " + API + "/companies HTTP/1.1\r\n" + header, null));
        }
        for (String header : new String[] { "X-Gateway-Concurrency: 0", "X-Gateway-Concurrency: 65",
                "X-Gateway-Concurrency: many", "X-Gateway-Companies: not-a-guid", "X-Gateway-Companies: 123, ../..",
                "X-Gateway-Api-Path: ../../x", "X-Gateway-Api-Path: http://evil.example/api",
                "X-Gateway-Api-Path: api/v2.0/../../x" }) {
            cases.add(Arguments.of("header " + header, fanout + header, null));
        }
        cases.add(Arguments.of("unmatched route behind dot segments", "GET /nothing/../bc/sim/api HTTP/1.1", null));
        cases.add(Arguments.of("dot segments in front of a fan-out", "GET /x/%2e%2e/fanout/sim/companies/c HTTP/1.1",
                null));
        // $batch bodies that are not batches, or cannot be split.
        for (String body : new String[] { "{\"requests\": [", "{\"requests\": 5}", "{\"requests\": [1,2,3]}", "{}",
                "[]", "not json", "{\"requests\": null}", batchOf(101, false).encode() }) {
            String head = "POST " + API + "/$batch HTTP/1.1\r\nContent-Type: application/json"
                    + (body.length() > 1000 ? "\r\nIsolation: snapshot" : "");
            cases.add(Arguments.of("batch " + body.substring(0, Math.min(24, body.length())), head,
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        cases.add(Arguments.of("batch dependsOn across chunks", "POST " + API + "/%24batch HTTP/1.1\r\n"
                + "Content-Type: application/json", batchOf(101, true).toBuffer().getBytes()));
        return cases.stream();
    }

    private static JsonObject batchOf(int n, boolean crossDependency) {
        JsonArray requests = new JsonArray();
        for (int i = 0; i < n; i++) {
            JsonObject op = new JsonObject().put("method", "GET").put("id", "op" + i).put("url", "companies");
            if (crossDependency && i == 100) {
                op.put("dependsOn", new JsonArray().add("op0"));
            }
            requests.add(op);
        }
        return new JsonObject().put("requests", requests);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void answeredWithAProblem(String name, String head, byte[] body) {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, head, body);
        assertTrue(answer.status() >= 400 && answer.status() < 500, name + " -> " + answer.status() + " " + answer.body());
        assertEquals("application/problem+json", answer.contentType(), name + " -> " + answer.headers());
        JsonObject problem = new JsonObject(answer.body());
        assertTrue(problem.getString("type").startsWith("urn:bc-gateway:problem:"), answer.body());
        assertEquals(answer.status(), problem.getInteger("status"));
    }

    static Stream<Arguments> refusedByTheHttpDecoder() {
        return Stream.of(
                Arguments.of("a raw backslash in the path", "GET /bc/sim/api\\v2.0\\companies HTTP/1.1"),
                Arguments.of("SOH in a header", "GET " + API + "/companies HTTP/1.1\r\nX-Note: a\u0001b"),
                Arguments.of("DEL in a header", "GET " + API + "/companies HTTP/1.1\r\nPrefer: x\u007fy"),
                Arguments.of("ESC in If-Match", "GET " + API + "/companies HTTP/1.1\r\nIf-Match: \u001b[2J"),
                Arguments.of("a 30 KB header", "GET " + API + "/companies HTTP/1.1\r\nX-Big: " + "a".repeat(30_000)),
                Arguments.of("a 9 KB request line", "GET " + API + "/companies?$filter=" + "a".repeat(9_000) + " HTTP/1.1"),
                Arguments.of("a body over BC's 350 MB", "PUT " + API + "/x HTTP/1.1\r\nContent-Length: 400000000"));
    }

    /**
     * Malformed or oversized requests are refused by the HTTP decoder itself (a plain 400, 413, 414 or 431), before
     * any gateway code runs; the gateway's own checks (control characters, backslashes) stand behind it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refusedByTheHttpDecoder(String name, String head) {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, head, null);
        assertTrue(answer.status() >= 400 && answer.status() < 500, name + " -> " + answer.status());
    }

    @Test
    void theSuiteHasAtLeastSixtyDistinctCases() {
        assertTrue(answeredWithAProblem().count() + refusedByTheHttpDecoder().count() >= 60);
    }
}
