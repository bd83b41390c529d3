package io.bcgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
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
 * Hostile input, sent byte for byte, one case per row: path encodings, request smuggling (message framing), oversized
 * and odd headers, the gateway's own headers, fan-out and {@code $batch} abuse, and slow or vanishing clients. Each
 * row states what a safe gateway does: refuse with a status and problem type (or the HTTP decoder's own plain 4xx,
 * before any gateway code runs), close the connection where its framing cannot be trusted, and send nothing to
 * Business Central, which the simulator's request log shows; or pass a harmless request through.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class HostileInputTest {

    private static final String API = "/bc/sim/api/v2.0";
    private static final String COMPANIES = API + "/companies";
    /** The HTTP decoder's own answers carry no problem body: they come before any gateway code runs. */
    private static final String DECODER = null;

    @InjectSimulator
    SimulatorClient simulator;

    /**
     * One row. {@code request} is sent exactly; {@code pieces} > 1 sends it in that many parts with a pause between
     * (a slow client); {@code abandon} closes the socket after writing without reading an answer (a client that
     * leaves). {@code status} 0 with {@code abandon}: no answer is expected.
     */
    record Case(String name, byte[] request, int status, String problemType, boolean reachesBc, int pieces,
            boolean abandon) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A request line and headers (no Host, no final blank line): Host and Connection: close are added. */
    private static byte[] request(String head, byte[] body) {
        String h = head + "\r\nHost: localhost\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        return body == null ? bytes(h) : concat(bytes(h), body);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Case refused(String name, String head, int status, String type) {
        return new Case(name, request(head, null), status, type, false, 1, false);
    }

    private static Case refused(String name, String head, byte[] body, int status, String type) {
        return new Case(name, request(head, body), status, type, false, 1, false);
    }

    /** Exactly these bytes: nothing added (framing cases decide Host and Connection themselves). */
    private static Case exact(String name, String raw, int status, String type) {
        return new Case(name, bytes(raw), status, type, false, 1, false);
    }

    private static Case passes(String name, String head, int status) {
        return new Case(name, request(head, null), status, null, true, 1, false);
    }

    /** Framing errors inside a streamed body (see the check at the end of the test). */
    private static final Set<String> BAD_CHUNKS = Set.of("chunk size that is not hex", "chunk size with a sign");

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        pathEncodings(cases);
        smuggling(cases);
        headers(cases);
        gatewayHeaders(cases);
        fanoutAndBatch(cases);
        slowClients(cases);
        return cases.stream();
    }

    private static void pathEncodings(List<Case> cases) {
        // Dot segments, raw or encoded, anywhere: the router would match the normalised path, not the raw one.
        for (String target : new String[] { API + "/../../../sandbox/api/v2.0/companies",
                "/bc/sim/../sim/api/v2.0/companies", "/bc/sim/%2e%2e/%2e%2e/x", "/bc/sim/%2E%2E/x", "/bc/sim/.%2e/x",
                "/bc/sim/%2e./x", "/bc/sim/api/./v2.0/companies", "/bc/sim/api/%2e/v2.0", COMPANIES + "/..",
                COMPANIES + "/.", "/bc/../bc/sim/api/v2.0/companies", "/fanout/../bc/sim/api/v2.0/companies",
                "/nothing/../bc/sim/api", "/x/%2e%2e/fanout/sim/companies/c" }) {
            cases.add(refused("dot segments " + target, "GET " + target + " HTTP/1.1", 400, "bad-request"));
        }
        // Encoded separators and NUL would change which BC path is addressed.
        for (String target : new String[] { "/bc/sim/api%2fv2.0%2fcompanies", "/bc/sim/api%2Fv2.0",
                "/bc/sim/api%5cv2.0", "/bc/sim/api%5Cv2.0", COMPANIES + "%00", API + "/%00",
                "/bc/sim//api/v2.0/companies" }) {
            cases.add(refused("encoded separator " + target, "GET " + target + " HTTP/1.1", 400, "bad-request"));
        }
        // Absolute-form targets name a host; the upstream host never comes from the caller.
        for (String target : new String[] { "http://evil.example/bc/sim/api/v2.0/companies",
                "http://localhost/bc/sim/api/v2.0/companies", "https://127.0.0.1:1/bc/sim/api" }) {
            cases.add(refused("absolute-form " + target, "GET " + target + " HTTP/1.1", 400, "bad-request"));
        }
        // Connection names that are no connection.
        for (String target : new String[] { "/bc/nope/api/v2.0/companies", "/bc/NOPE2/api", "/bc/sim%00/api",
                "/bc/sim%2fx/api" }) {
            cases.add(refused("connection " + target, "GET " + target + " HTTP/1.1", 404, "unknown-connection"));
        }
        cases.add(refused("encoded dot-dot as the connection", "GET /bc/%2e%2e/api HTTP/1.1", 400, "bad-request"));
        cases.add(refused("no BC path after the connection", "GET /bc/sim/ HTTP/1.1", 400, "bad-request"));
        cases.add(refused("no slash after the connection", "GET /bc/sim HTTP/1.1", 400, "bad-request"));
        // A percent sign that starts no escape, and a double-encoded dot-dot: decoded once, they are plain text
        // that BC answers itself (404: no such entity set), never a step out of the API.
        cases.add(passes("double-encoded dot segments stay text", "GET " + API + "/%252e%252e/companies HTTP/1.1",
                404));
        cases.add(refused("a bare percent sign (decoder)", "GET " + API + "/compa%zznies HTTP/1.1", 400, DECODER));
    }

    private static void smuggling(List<Case> cases) {
        String post = "POST " + COMPANIES + "(00000000-0000-0000-0000-000000000001)/customers HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: application/json\r\n";
        String smuggled = "GET " + COMPANIES + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        // RFC 9112 6.3: without chunked as the final coding the body's end is unknown; 400 and the connection closed,
        // so the bytes after the headers (here a whole second request) are never read as a request.
        cases.add(exact("Transfer-Encoding gzip, with a request smuggled in its body",
                post + "Transfer-Encoding: gzip\r\n\r\n" + smuggled, 400, "bad-framing"));
        cases.add(exact("Transfer-Encoding identity", post + "Transfer-Encoding: identity\r\n\r\n{}", 400,
                "bad-framing"));
        cases.add(exact("Transfer-Encoding chunked twice", post
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400,
                "bad-framing"));
        cases.add(exact("Transfer-Encoding chunked, gzip (decoder)", post
                + "Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400, DECODER));
        cases.add(exact("Transfer-Encoding with Content-Length (decoder)", post
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400, DECODER));
        cases.add(exact("Transfer-Encoding gzip, chunked: framed, but a coding BC would not be told of", post
                + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 501,
                "transfer-coding-not-implemented"));
        cases.add(exact("Transfer-Encoding in HTTP/1.0 (decoder)", post.replace("HTTP/1.1", "HTTP/1.0")
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400, DECODER));
        cases.add(exact("chunk size that is not hex", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                400, "bad-framing"));
        cases.add(exact("chunk size with a sign", post + "Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
                400, "bad-framing"));
        // RFC 9112 3.2: exactly one Host.
        cases.add(exact("two Host headers", "GET " + COMPANIES + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Host: evil.example\r\nConnection: close\r\n\r\n", 400, "bad-framing"));
        cases.add(exact("a Host listing two hosts", "GET " + COMPANIES + " HTTP/1.1\r\n"
                + "Host: localhost, evil.example\r\nConnection: close\r\n\r\n", 400, "bad-framing"));
        cases.add(exact("no Host", "GET " + COMPANIES + " HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
                "bad-framing"));
        cases.add(exact("two different Content-Lengths (decoder)", "POST " + COMPANIES + " HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}", 400, DECODER));
        cases.add(exact("a Content-Length that is no number (decoder)", "POST " + COMPANIES + " HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Length: 2x\r\n\r\n{}", 400, DECODER));
        cases.add(exact("whitespace before a header's colon (decoder)", "GET " + COMPANIES + " HTTP/1.1\r\n"
                + "Host: localhost\r\nTransfer-Encoding : chunked\r\nConnection: close\r\n\r\n0\r\n\r\n", 400,
                DECODER));
    }

    private static void headers(List<Case> cases) {
        String get = "GET " + COMPANIES + " HTTP/1.1";
        cases.add(refused("a raw backslash in the path (decoder)", "GET /bc/sim/api\\v2.0\\companies HTTP/1.1", 400,
                DECODER));
        cases.add(refused("SOH in a header (decoder)", get + "\r\nX-Note: a\u0001b", 400, DECODER));
        cases.add(refused("DEL in a header (decoder)", get + "\r\nPrefer: x\u007fy", 400, DECODER));
        cases.add(refused("ESC in If-Match (decoder)", get + "\r\nIf-Match: \u001b[2J", 400, DECODER));
        cases.add(refused("a 30 KB header (decoder)", get + "\r\nX-Big: " + "a".repeat(30_000), 431, DECODER));
        StringBuilder many = new StringBuilder(get);
        for (int i = 0; i < 1000; i++) {
            many.append("\r\nX-H").append(i).append(": v");
        }
        cases.add(refused("a thousand headers (decoder)", many.toString(), 431, DECODER));
        cases.add(refused("a 9 KB request line (decoder)", "GET " + COMPANIES + "?$filter=" + "a".repeat(9_000)
                + " HTTP/1.1", 414, DECODER));
        cases.add(refused("a body over BC's 350 MB", "PUT " + API + "/x HTTP/1.1\r\nContent-Length: 400000000", 413,
                DECODER));
        for (String method : new String[] { "TRACE", "OPTIONS", "PROPFIND", "FOO", "MERGE", "CONNECTX" }) {
            cases.add(refused("method " + method, method + " " + COMPANIES + " HTTP/1.1", 405, "method-not-allowed"));
        }
        // The caller's own credentials and hop-by-hop headers are dropped, not forwarded: the request itself passes.
        cases.add(passes("a caller's Authorization is replaced by the connection's token",
                get + "\r\nAuthorization: Bearer not-for-bc", 200));
        cases.add(passes("a Connection-listed header is dropped", get + "\r\nConnection: X-Drop\r\nX-Drop: 1", 200));
    }

    private static void gatewayHeaders(List<Case> cases) {
        String get = "GET " + COMPANIES + " HTTP/1.1\r\n";
        String fanout = "GET /fanout/sim/companies/customers HTTP/1.1\r\n";
        for (String header : new String[] { "X-Gateway-Deadline: abc", "X-Gateway-Deadline: -5",
                "X-Gateway-Deadline: 5h", "X-Gateway-Deadline: 1e3" }) {
            cases.add(refused("header " + header, get + header, 400, "bad-request"));
        }
        for (String header : new String[] { "X-Gateway-Concurrency: 0", "X-Gateway-Concurrency: 65",
                "X-Gateway-Concurrency: many", "X-Gateway-Companies: not-a-guid", "X-Gateway-Companies: 123, ../..",
                "X-Gateway-Api-Path: ../../x", "X-Gateway-Api-Path: http://evil.example/api",
                "X-Gateway-Api-Path: api/v2.0/../../x" }) {
            cases.add(refused("fan-out header " + header, fanout + header, 400, "bad-request"));
        }
        cases.add(refused("an unknown connection in a fan-out list",
                "GET /fanout/connections/api/v2.0/companies HTTP/1.1\r\nX-Gateway-Connections: sim,nope", 404,
                "unknown-connection"));
    }

    private static void fanoutAndBatch(List<Case> cases) {
        for (String target : new String[] { "/fanout/sim/companies/%2e%2e/customers", "/fanout/sim/customers",
                "/fanout/sim/companies/", "/fanout/connections", "/fanout/connections/" }) {
            cases.add(refused("fan-out path " + target, "GET " + target + " HTTP/1.1", 400, "bad-request"));
        }
        cases.add(refused("fan-out to an unknown connection", "GET /fanout/nope/companies/customers HTTP/1.1", 404,
                "unknown-connection"));
        cases.add(refused("POST to a fan-out", "POST /fanout/sim/companies/customers HTTP/1.1", new byte[0], 405,
                "method-not-allowed"));
        cases.add(refused("DELETE to a fan-out", "DELETE /fanout/sim/companies/customers HTTP/1.1", 405,
                "method-not-allowed"));
        for (String body : new String[] { "{\"requests\": [", "{\"requests\": 5}", "{\"requests\": [1,2,3]}", "{}",
                "[]", "not json", "{\"requests\": null}" }) {
            cases.add(refused("$batch body " + body, "POST " + API + "/$batch HTTP/1.1\r\n"
                    + "Content-Type: application/json", body.getBytes(StandardCharsets.UTF_8), 400, "bad-request"));
        }
        cases.add(refused("$batch of 101 operations, not atomic", "POST " + API + "/$batch HTTP/1.1\r\n"
                + "Content-Type: application/json\r\nIsolation: snapshot", batchOf(101, false).toBuffer().getBytes(),
                400, "bad-request"));
        cases.add(refused("$batch with dependsOn across its chunks", "POST " + API + "/%24batch HTTP/1.1\r\n"
                + "Content-Type: application/json", batchOf(101, true).toBuffer().getBytes(), 400, "bad-request"));
    }

    private static void slowClients(List<Case> cases) {
        // A request trickled in 20 pieces is still answered (and reaches BC once, whole).
        cases.add(new Case("a request trickled in 20 pieces", request("GET " + COMPANIES + " HTTP/1.1", null), 200,
                null, true, 20, false));
        // A caller that declares a body and leaves before sending it: nothing reaches BC.
        cases.add(new Case("a caller that leaves after the headers of a PATCH",
                bytes("PATCH " + COMPANIES + "(00000000-0000-0000-0000-000000000001) HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nIf-Match: *\r\nContent-Length: 100\r\n\r\n{\"a\""),
                0, null, false, 1, true));
        cases.add(new Case("a caller that leaves halfway through its headers",
                bytes("GET " + COMPANIES + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/js"),
                0, null, false, 1, true));
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
    @MethodSource("cases")
    void hostileInputIsRefusedClearlyOrPassesSafely(Case c) {
        simulator.resetRequestLog();
        if (c.abandon()) {
            RawHttp.abandon(RestAssured.port, c.request());
            // The gateway learns of the hang-up asynchronously; give it a moment (another process: nothing to await).
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals(List.of(), simulator.bcRequests(), c.name() + ": reached BC");
            return;
        }
        RawHttp.Answer answer = RawHttp.exchange(RestAssured.port, c.request(), Duration.ofSeconds(15), c.pieces(),
                Duration.ofMillis(25));
        String seen = c.name() + " -> " + answer.status() + " " + answer.headers() + "\n" + answer.body();
        assertEquals(c.status(), answer.status(), seen);
        assertTrue(answer.closed(), c.name() + ": the connection stays open");
        if (c.problemType() != null) {
            assertEquals("application/problem+json", answer.contentType(), seen);
            JsonObject problem = new JsonObject(answer.body());
            assertEquals("urn:bc-gateway:problem:" + c.problemType(), problem.getString("type"), seen);
            assertEquals(answer.status(), problem.getInteger("status"), seen);
            assertFalse(problem.getString("detail", "").isBlank(), seen + ": no detail");
        }
        if (c.reachesBc()) {
            assertFalse(simulator.bcRequests().isEmpty(), c.name() + ": should have passed through to BC");
        } else if (BAD_CHUNKS.contains(c.name())) {
            // A body streams to BC as it arrives, so a chunk that turns out malformed can come after the request has
            // started upstream (depending on how the bytes were read). The gateway then resets it: BC never gets a
            // whole body to execute; the simulator may log that it saw the start. The caller's 400 is asserted above.
            assertTrue(simulator.bcRequests().size() <= 1, c.name() + ": " + simulator.bcRequests());
        } else {
            assertEquals(List.of(), simulator.bcRequests(), c.name() + ": reached BC");
        }
    }

    /**
     * Percent-encoded control characters in the path ({@code %00}-{@code %1F}, {@code %7F}) are refused before
     * anything is sent (issue 16, section 4), by PathGuard.
     */
    static Stream<Arguments> encodedControlCharacters() {
        return Stream.of("%0d%0a", "%0D%0A", "%09", "%0a", "%0d", "%1f", "%7f", "%7F", "%01", "%1b")
                .map(e -> Arguments.of(e, COMPANIES + e));
    }

    @ParameterizedTest(name = "encoded control character {0}")
    @MethodSource
    void encodedControlCharacters(String encoded, String target) {
        simulator.resetRequestLog();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET " + target + " HTTP/1.1", null);
        assertEquals(400, answer.status(), encoded + " -> " + answer.body());
        assertEquals("urn:bc-gateway:problem:bad-request", new JsonObject(answer.body()).getString("type"));
        assertEquals(List.of(), simulator.bcRequests(), encoded + " reached BC");
    }

    @Test
    void theSuiteHasAtLeastSixtyFiveCasesInEveryFamily() {
        List<Case> all = cases().toList();
        assertTrue(all.size() >= 65, all.size() + " cases");
        assertEquals(all.size(), all.stream().map(Case::name).distinct().count(), "every case has its own name");
        assertTrue(all.stream().anyMatch(Case::reachesBc), "some harmless input passes through");
        assertTrue(all.stream().filter(c -> "bad-framing".equals(c.problemType())).count() >= 5, "framing cases");
        assertTrue(all.stream().anyMatch(c -> c.pieces() > 1 || c.abandon()), "slow and vanishing clients");
    }
}
