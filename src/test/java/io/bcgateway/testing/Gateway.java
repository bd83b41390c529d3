package io.bcgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Plain HTTP calls to the gateway under test, one by one or many at once. */
public final class Gateway {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway() {
    }

    public static String url(String path) {
        // Set by @QuarkusTest and @QuarkusIntegrationTest to the port the gateway actually listens on.
        return "http://localhost:" + io.restassured.RestAssured.port + path;
    }

    /**
     * The management interface (health, metrics, the status page), on its own port. With
     * {@code %test.quarkus.management.test-port=0} the port is chosen at start; Quarkus publishes the one it bound
     * through its configuration (the value registry's config source), where the test reads it.
     */
    public static String managementUrl(String path) {
        org.eclipse.microprofile.config.Config config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        int port = config.getOptionalValue("quarkus.management.test-port", Integer.class).filter(p -> p > 0)
                .or(() -> config.getOptionalValue("quarkus.management.port", Integer.class)).orElse(9000);
        return "http://localhost:" + port + path;
    }

    /** GET on the management interface. */
    public static HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(URI.create(managementUrl(path))).timeout(Duration.ofSeconds(30)).GET()
                .build());
    }

    public static HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code count} GETs of {@code path} at once and returns every answer (bounded by 60 s in all). */
    public static List<HttpResponse<String>> concurrentGets(String path, int count, String... headers)
            throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.GET().build();
        for (int i = 0; i < count; i++) {
            calls.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            answers.add(c.get());
        }
        return answers;
    }
}
