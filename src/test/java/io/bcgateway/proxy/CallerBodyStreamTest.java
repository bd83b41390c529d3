package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A caller who hangs up while a rewritten page is still streaming to it, over real loopback HTTP: an upstream that
 * keeps sending, a relay that pipes it through {@link CallerBodyStream}, and a raw socket that reads a little
 * and resets. The pipe must end as failed, with nothing thrown out of Vert.x (before the guard, every such caller
 * left an uncaught {@code IllegalStateException: Response has already been written} with its stack trace).
 */
class CallerBodyStreamTest {

    /** Upper bound of what the upstream sends, so the test ends by itself even if nothing stops the pipe. */
    private static final int MAX_CHUNKS = 4096;
    private static final Buffer CHUNK = Buffer.buffer("{\"id\":\"" + "x".repeat(16 * 1024) + "\"},");

    private Vertx vertx;
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(uncaught::add);
    }

    @AfterEach
    void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallerWhoHangsUpMidBodyEndsThePipeQuietly() throws Exception {
        HttpServer upstream = listen(vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse res = req.response().setChunked(true).putHeader("Content-Type", "application/json");
            res.write("{\"value\":[");
            sendChunks(res, 0);
        }));
        HttpClient client = vertx.createHttpClient();
        CompletableFuture<AsyncResult<Void>> piped = new CompletableFuture<>();
        HttpServer relay = listen(vertx.createHttpServer().requestHandler(req -> client
                .request(HttpMethod.GET, upstream.actualPort(), "127.0.0.1", "/page")
                .compose(up -> up.send())
                .onSuccess(page -> {
                    HttpServerResponse res = req.response().setChunked(true);
                    page.pipeTo(new CallerBodyStream(res, new BcLinkRewriter("https://bc.example/v2.0/", "production", "http://gw/bc/c/")))
                            .onComplete(piped::complete);
                })));

        try (Socket caller = new Socket("127.0.0.1", relay.actualPort())) {
            OutputStream out = caller.getOutputStream();
            out.write("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = caller.getInputStream();
            byte[] buffer = new byte[8192];
            int read = 0;
            while (read < 64 * 1024) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the relay streams the page");
                read += n;
            }
            caller.setSoLinger(true, 0); // hang up hard, mid-body
        }

        AsyncResult<Void> result = piped.get(10, TimeUnit.SECONDS);
        assertTrue(result.failed(), "a body cut off by the caller is not a completed relay");
        assertEquals(List.of(), uncaught, "nothing escaped into Vert.x's uncaught-exception handler");
    }

    /** Writes chunks while the relay keeps up, until the relay stops reading (its connection closes) or the cap. */
    private static void sendChunks(HttpServerResponse res, int sent) {
        int n = sent;
        while (n < MAX_CHUNKS && !res.closed() && !res.writeQueueFull()) {
            res.write(CHUNK);
            n++;
        }
        if (res.closed()) {
            return;
        }
        if (n >= MAX_CHUNKS) {
            res.end("]}");
            return;
        }
        int soFar = n;
        res.drainHandler(v -> sendChunks(res, soFar));
    }

    private static HttpServer listen(HttpServer server) throws Exception {
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
