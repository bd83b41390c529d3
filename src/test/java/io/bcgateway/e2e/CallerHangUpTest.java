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

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.PatternStream;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A caller that leaves in the middle of a large download, seen from the gateway's logs (so in-process only, unlike
 * {@link StreamingTest}, which {@link StreamingIT} repeats against the packaged jar). Same profile and resources as
 * {@link StreamingTest}: the application is shared, not restarted.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
public class CallerHangUpTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    public void aCallerHangingUpMidDownloadIsLoggedAsSuchAndNotAsAnError() throws Exception {
        String url = StreamingTest.contentUrl();
        // Far more than loopback's socket buffers hold, so the gateway is mid-body when the caller leaves.
        long size = StreamingTest.SIZE;
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
}
