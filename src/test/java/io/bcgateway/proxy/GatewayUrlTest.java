package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.connection.BcEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The gateway's base URL as the caller reached it, over real loopback HTTP/1.1 (a raw socket, so the test sets the
 * Host and X-Forwarded-* headers exactly). The base is kept between requests that come with the same headers; a
 * request with other headers must never get the kept one.
 */
class GatewayUrlTest {

    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            GatewayPrefix.Made made = GatewayPrefix.of(req, "contoso", ENDPOINT);
            req.response().end(GatewayUrl.base(req) + " " + made.prefix() + " " + System.identityHashCode(made));
        });
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static final BcEndpoint ENDPOINT = BcEndpoint.of("http://127.0.0.1:7048/BC", java.util.Optional.empty());

    /** The answer's words: base, connection prefix, identity of the kept prefix. */
    private String[] get(String headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /x HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4).split(" ");
        }
    }

    @Test
    void eachRequestGetsTheBaseOfItsOwnHeaders() throws Exception {
        String[] a = get("Host: gw.example:8080\r\n");
        assertEquals("http://gw.example:8080", a[0]);
        assertEquals("http://gw.example:8080/bc/contoso/", a[1]);
        assertEquals("https://edge.example/api", get("Host: gw.example:8080\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: edge.example\r\nX-Forwarded-Prefix: /api/\r\n")[0]);
        assertEquals("http://edge.example", get("Host: gw.example:8080\r\nX-Forwarded-Host: edge.example\r\n")[0]);
        assertEquals("http://other.example", get("Host: other.example\r\n")[0]);
        // A Host that is not plainly a host falls back to the local address, and that is never kept for the header.
        assertEquals("http://127.0.0.1:" + port, get("Host: bad\"host\r\n")[0]);
        assertEquals("http://127.0.0.1:" + port, get("Host: bad\"host\r\n")[0]);
        assertEquals("http://gw.example:8080", get("Host: gw.example:8080\r\n")[0]);
        // A prefix that is not plainly a path is ignored.
        assertEquals("http://gw.example:8080", get("Host: gw.example:8080\r\nX-Forwarded-Prefix: /a\"b\r\n")[0]);
    }

    @Test
    void theSameHeadersShareOneKeptPrefix() throws Exception {
        String[] first = get("Host: gw.example:8080\r\n");
        String[] second = get("Host: gw.example:8080\r\n");
        assertEquals(first[1], second[1]);
        assertEquals(first[2], second[2], "the second request reuses the prefix the first made");
        String[] other = get("Host: elsewhere.example\r\n");
        assertEquals("http://elsewhere.example/bc/contoso/", other[1]);
    }

    @Test
    void aRewriterFromTheKeptPrefixWritesTheGatewaysAddress() {
        BcEndpoint endpoint = BcEndpoint.of("https://api.businesscentral.dynamics.com", java.util.Optional.of("Production"));
        GatewayPrefix.Made made = new GatewayPrefix.Made(endpoint, "https://gw", "https://gw/bc/c/",
                "https://gw/bc/c/".getBytes(StandardCharsets.UTF_8),
                new AnchorSearch(endpoint.linkBase().getBytes(StandardCharsets.US_ASCII)), "production".getBytes(StandardCharsets.US_ASCII));
        String page = "{\"@odata.context\":\"https://api.businesscentral.dynamics.com/v2.0/production/api/v2.0/$metadata\"}";
        for (int i = 0; i < 2; i++) { // twice from the same bytes: the rewriter only reads them
            BcLinkRewriter rewriter = made.rewriter();
            String out = rewriter.process(io.vertx.core.buffer.Buffer.buffer(page)).toString()
                    + rewriter.finish().toString();
            assertEquals("{\"@odata.context\":\"https://gw/bc/c/api/v2.0/$metadata\"}", out);
        }
    }
}
