package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.bcgateway.testing.CallerTransport;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.PatternStream;
import io.bcgateway.testing.PrometheusText;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * How the gateway accounts for an answer, over every way a caller reaches it (HTTP/1.1 and HTTP/2, in clear and
 * over TLS): an answer that went out whole is logged and metered with its status, once; a caller that leaves in the
 * middle of a large download is logged and metered as status 0 (broken off), once, and not as an error. Seen from
 * the gateway's logs, so in-process only, unlike {@link StreamingTest}, which {@link StreamingIT} repeats against the
 * packaged jar. Same profile and resources as {@link StreamingTest}: the application is shared, not restarted.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
public class CallerHangUpTest {

    private static final String CONNECTION = "streaming";
    /** Uploaded once for the whole class: 50 MB, far more than loopback's socket buffers hold. */
    private static String content;
    private static String contentSha256;

    @ParameterizedTest
    @EnumSource(CallerTransport.class)
    public void aCompleteAnswerIsLoggedAndMeteredWithItsStatus(CallerTransport transport) throws Exception {
        PrometheusText before = PrometheusText.scrape();
        try (LogCapture logs = LogCapture.install()) {
            CallerTransport.Answer answer = transport.get("/bc/" + CONNECTION + "/api/v2.0/companies");
            assertEquals(200, answer.status(), answer.body());
            assertEquals(transport.protocol(), answer.protocol());
            assertAccountedOnce(logs, before, answer.requestId(), "status=200", "2xx");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CallerTransport.class, names = "HTTP_1_1", mode = EnumSource.Mode.EXCLUDE)
    public void aWholeFiftyMegabyteDownloadIsLoggedAndMeteredAsDelivered(CallerTransport transport) throws Exception {
        String path = uploadedContent();
        PrometheusText before = PrometheusText.scrape();
        try (LogCapture logs = LogCapture.install()) {
            CallerTransport.Answer answer = transport.get(path);
            assertEquals(200, answer.status());
            assertEquals(transport.protocol(), answer.protocol());
            assertEquals(StreamingTest.SIZE, answer.length());
            assertEquals(contentSha256, answer.sha256(), "the bytes that came back are the bytes sent");
            assertAccountedOnce(logs, before, answer.requestId(), "status=200", "2xx");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CallerTransport.class, names = "H2C_UPGRADE", mode = EnumSource.Mode.EXCLUDE)
    public void aCallerHangingUpMidDownloadIsLoggedAsSuchAndNotAsAnError(CallerTransport transport) throws Exception {
        String path = uploadedContent();
        PrometheusText before = PrometheusText.scrape();
        try (LogCapture logs = LogCapture.install()) {
            transport.hangUpAfter(path, StreamingTest.SIZE / 2);
            List<String> broken = logs.awaitLines(l -> l.startsWith("io.bcgateway.access")
                    && l.contains("attachmentContent"), 1, Duration.ofSeconds(10));
            assertEquals(1, broken.size(), "one access line for the request: " + logs.lines());
            assertTrue(broken.get(0).contains(" status=0 "), "the answer is logged as broken off: " + broken);
            // The line is written right after the request is counted: the counts are final by now.
            PrometheusText after = PrometheusText.scrape();
            assertEquals(1, delta(before, after), "counted once");
            assertEquals(1, delta(before, after, "outcome", "aborted", "status_class", "none"), "counted as aborted");
            // Vert.x reports the upstream reset a moment after the gateway made it: give it that moment.
            List<String> errors = logs.awaitLines(l -> logs.errors().contains(l), 1, Duration.ofSeconds(2));
            assertEquals(List.of(), errors, "a caller leaving is not an error of the gateway or of BC");
            assertEquals(1, logs.lines().stream().filter(l -> l.startsWith("io.bcgateway.access")
                    && l.contains("attachmentContent")).count(), "still one access line: " + logs.lines());
        }
        given().get(path).then().statusCode(200); // and the connection to BC is still usable
    }

    /** The request's one access line carries {@code status}, and it was counted once, in {@code statusClass}. */
    private static void assertAccountedOnce(LogCapture logs, PrometheusText before, String requestId, String status,
            String statusClass) {
        List<String> lines = logs.awaitLines(l -> l.startsWith("io.bcgateway.access")
                && l.contains("bc_request_id=" + requestId + " "), 1, Duration.ofSeconds(10));
        assertEquals(1, lines.size(), "one access line for the request: " + logs.lines());
        assertTrue(lines.get(0).contains(" connection=" + CONNECTION + " " + status + " "), lines.get(0));
        // The line is written right after the request is counted: the counts are final by now.
        PrometheusText after = PrometheusText.scrape();
        assertEquals(1, delta(before, after), "counted once");
        assertEquals(1, delta(before, after, "outcome", "bc", "status_class", statusClass), "counted as " + statusClass);
    }

    private static double delta(PrometheusText before, PrometheusText after, String... labels) {
        String[] pairs = new String[labels.length + 2];
        pairs[0] = "connection";
        pairs[1] = CONNECTION;
        System.arraycopy(labels, 0, pairs, 2, labels.length);
        return after.sum("bc_gateway_requests_total", pairs) - before.sum("bc_gateway_requests_total", pairs);
    }

    /**
     * The path of a 50 MB attachment at BC, uploaded through the gateway on first use, over HTTP/2 and TLS
     * ({@link StreamingTest} uploads over plain HTTP/1.1); the downloads' digests check that it arrived whole.
     */
    private static synchronized String uploadedContent() throws Exception {
        if (content == null) {
            String path = URI.create(StreamingTest.contentUrl()).getRawPath();
            long size = StreamingTest.SIZE;
            HttpResponse<String> put = CallerTransport.H2_TLS.client()
                    .send(HttpRequest.newBuilder(CallerTransport.H2_TLS.uri(path)).timeout(Duration.ofMinutes(2))
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, 3)), size))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, put.statusCode(), put.body());
            assertEquals(HttpClient.Version.HTTP_2, put.version());
            content = path;
            contentSha256 = PatternStream.sha256(size, 3);
        }
        return content;
    }
}
