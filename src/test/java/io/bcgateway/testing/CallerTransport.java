package io.bcgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

/**
 * The ways a caller reaches the gateway under test: HTTP/1.1 or HTTP/2, in clear or over TLS ({@link TlsListener}).
 * Every call opens a connection of its own, so an upgrade really happens and a hang-up leaves nothing behind.
 * Java's HttpClient speaks HTTP/1.1, HTTP/2 by ALPN and the h2c upgrade; Vert.x's client speaks h2c with prior
 * knowledge.
 */
public enum CallerTransport {
    HTTP_1_1(false, "HTTP/1.1"),
    HTTPS_1_1(true, "HTTP/1.1"),
    /** HTTP/2 negotiated by ALPN in the TLS handshake. */
    H2_TLS(true, "HTTP/2"),
    /** HTTP/1.1 with {@code Upgrade: h2c}, then HTTP/2 on the same connection. */
    H2C_UPGRADE(false, "HTTP/2"),
    /** HTTP/2 from the first byte, in clear (service meshes, gRPC-style clients). */
    H2C_PRIOR_KNOWLEDGE(false, "HTTP/2");

    /** Past this many bytes an answer's body is only digested, not kept. */
    private static final int KEPT_BODY_MAX = 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final boolean tls;
    private final String protocol;

    CallerTransport(boolean tls, String protocol) {
        this.tls = tls;
        this.protocol = protocol;
    }

    /** What the caller saw: status, protocol, BC's {@code request-id}, and the body's length and SHA-256. */
    public record Answer(int status, String protocol, String requestId, long length, String sha256, String body) {
    }

    /** {@code HTTP/1.1} or {@code HTTP/2}: what an answer over this transport must have come by. */
    public String protocol() {
        return protocol;
    }

    /** GET {@code path} and read the body to its end. */
    public Answer get(String path) throws Exception {
        return get(path, Long.MAX_VALUE);
    }

    /**
     * GET {@code path}, read at least {@code bytes} of the body, then hang up without waiting for the rest: over
     * HTTP/1.1 the connection is reset (SO_LINGER 0), over HTTP/2 the stream is cancelled (Java's client sends
     * RST_STREAM) or, with prior knowledge, the connection is closed.
     */
    public void hangUpAfter(String path, long bytes) throws Exception {
        if (this == HTTP_1_1 || this == HTTPS_1_1) {
            hangUpOverSocket(path, bytes);
        } else {
            get(path, bytes);
        }
    }

    public URI uri(String path) {
        return URI.create((tls ? "https" : "http") + "://localhost:" + port() + path);
    }

    private int port() {
        return tls ? TlsListener.port() : RestAssured.port;
    }

    /** Java's HttpClient speaking this transport; it cannot do {@link #H2C_PRIOR_KNOWLEDGE}. */
    public HttpClient client() {
        if (this == H2C_PRIOR_KNOWLEDGE) {
            throw new UnsupportedOperationException("Java's HttpClient has no HTTP/2 prior knowledge");
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(protocol.equals("HTTP/2") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
        if (tls) {
            builder.sslContext(TlsListener.clientContext());
        }
        return builder.build();
    }

    private Answer get(String path, long hangUpAfter) throws Exception {
        if (this == H2C_PRIOR_KNOWLEDGE) {
            return getWithPriorKnowledge(path, hangUpAfter);
        }
        HttpResponse<InputStream> r = client().send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        Body body = new Body();
        try (InputStream in = r.body()) { // closed before its end: the client gives up on the rest
            byte[] buffer = new byte[64 * 1024];
            for (int n; body.length < hangUpAfter && (n = in.read(buffer)) > 0;) {
                body.add(buffer, n);
            }
        }
        String version = r.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
        return body.answer(r.statusCode(), version, r.headers().firstValue("request-id").orElse(null));
    }

    private Answer getWithPriorKnowledge(String path, long hangUpAfter) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            CompletableFuture<Answer> done = new CompletableFuture<>();
            Body body = new Body();
            client.request(HttpMethod.GET, port(), "localhost", path)
                    .compose(request -> request.send())
                    .onFailure(done::completeExceptionally)
                    .onSuccess(response -> {
                        String version = response.version() == HttpVersion.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
                        response.exceptionHandler(done::completeExceptionally);
                        response.handler(chunk -> {
                            if (done.isDone()) {
                                return;
                            }
                            body.add(chunk.getBytes(), chunk.length());
                            if (body.length >= hangUpAfter) {
                                response.request().connection().close();
                                done.complete(body.answer(response.statusCode(), version,
                                        response.getHeader("request-id")));
                            }
                        });
                        response.endHandler(v -> done.complete(body.answer(response.statusCode(), version,
                                response.getHeader("request-id"))));
                    });
            return done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private void hangUpOverSocket(String path, long bytes) throws IOException {
        try (Socket caller = tls ? TlsListener.clientContext().getSocketFactory().createSocket("localhost", port())
                : new Socket("localhost", port())) {
            OutputStream out = caller.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = caller.getInputStream();
            byte[] buffer = new byte[8192];
            for (long read = 0; read < bytes;) {
                int n = in.read(buffer);
                if (n <= 0) {
                    throw new IOException("the answer ended after " + read + " bytes");
                }
                read += n;
            }
            caller.setSoLinger(true, 0); // hang up hard, mid-body
        }
    }

    /** The body as it arrives: its length and digest, and its text while it is small. */
    private static final class Body {
        private final MessageDigest sha256;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long length;

        Body() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(byte[] bytes, int n) {
            sha256.update(bytes, 0, n);
            if (length + n <= KEPT_BODY_MAX) {
                kept.write(bytes, 0, n);
            }
            length += n;
        }

        Answer answer(int status, String version, String requestId) {
            return new Answer(status, version, requestId, length, HexFormat.of().formatHex(sha256.digest()),
                    length <= KEPT_BODY_MAX ? kept.toString(StandardCharsets.UTF_8) : null);
        }
    }
}
