package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
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

    static final long SIZE = 50L * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String contentUrl() {
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
