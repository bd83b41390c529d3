package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.PatternStream;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * 50 MB up and 50 MB down through the gateway (BC accepts bodies up to 350 MB), content verified by SHA-256.
 * {@link StreamingIT} runs the same transfers against the packaged gateway with a 64 MB heap, which a buffered
 * body could not fit in.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
public class StreamingTest {

    private static final long SIZE = 50L * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static String contentUrl() {
        String company = given().get("/bc/streaming/api/v2.0/companies").then().statusCode(200)
                .extract().path("value[0].id");
        return Gateway.url("/bc/streaming/api/v2.0/companies(" + company + ")/documentAttachments("
                + UUID.randomUUID() + ")/attachmentContent");
    }

    @Test
    public void aFiftyMegabyteUploadWithContentLengthAndItsDownloadStreamThrough() throws Exception {
        roundTrip(true, 7);
    }

    @Test
    public void aFiftyMegabyteChunkedUploadAndItsDownloadStreamThrough() throws Exception {
        roundTrip(false, 11);
    }

    @Test
    public void aCallerHangingUpMidDownloadIsLoggedAsSuchAndNotAsAnError() throws Exception {
        String url = contentUrl();
        long size = SIZE; // far more than loopback's socket buffers hold, so the gateway is mid-body when the caller leaves
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, 3)), size))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, put.statusCode(), put.body());

        URI target = URI.create(url);
        try (LogCapture logs = LogCapture.install()) {
            try (Socket caller = new Socket("127.0.0.1", target.getPort())) {
                OutputStream out = caller.getOutputStream();
                out.write(("GET " + target.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = caller.getInputStream();
                byte[] buffer = new byte[8192];
                for (int read = 0; read < 256 * 1024;) {
                    int n = in.read(buffer);
                    assertTrue(n > 0, "the download streams");
                    read += n;
                }
                caller.setSoLinger(true, 0); // hang up hard, mid-body
            }
            List<String> broken = logs.awaitLines(l -> l.startsWith("io.bcgateway.access")
                    && l.contains("attachmentContent") && l.contains("status=0"), 1, Duration.ofSeconds(10));
            assertEquals(1, broken.size(), "the access log records the answer as broken off: " + logs.lines());
            // Vert.x reports the upstream reset a moment after the gateway made it: give it that moment.
            List<String> errors = logs.awaitLines(l -> logs.errors().contains(l), 1, Duration.ofSeconds(2));
            assertEquals(List.of(), errors, "a caller leaving is not an error of the gateway or of BC");
        }
        given().get(url).then().statusCode(200); // and the connection to BC is still usable
    }

    private void roundTrip(boolean declareLength, long seed) throws Exception {
        String url = contentUrl();
        String expected = PatternStream.sha256(SIZE, seed);

        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE, seed));
        HttpRequest upload = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/octet-stream")
                .PUT(declareLength ? HttpRequest.BodyPublishers.fromPublisher(body, SIZE) : body).build();
        HttpResponse<String> put = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(204, put.statusCode(), put.body());

        HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        assertEquals(String.valueOf(SIZE), get.headers().firstValue("Content-Length").orElse(""));
        assertEquals(expected, PatternStream.sha256Of(get.body()), "the bytes that came back are the bytes sent");
    }
}
