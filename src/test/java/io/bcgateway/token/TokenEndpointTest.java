package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.oidc.client.OidcClientException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

/**
 * "Token endpoint is unreachable" says which URL and why. The failures are real ones, produced by Vert.x's HTTP
 * client (as quarkus-oidc-client uses it) against loopback: a closed port, a name that cannot resolve
 * ({@code .invalid}, RFC 6761), TLS spoken to a plain HTTP server.
 */
class TokenEndpointTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** The failure of a real POST to {@code host:port}, as the named fetcher for {@code url} reports it. */
    private static String messageFor(String url, String host, int port, boolean ssl) throws Exception {
        TokenFetcher real = () -> vertx.createHttpClient(new HttpClientOptions().setSsl(ssl).setTrustAll(true)
                .setConnectTimeout(5_000))
                .request(HttpMethod.POST, port, host, "/tenant/oauth2/v2.0/token")
                .compose(req -> req.send("grant_type=client_credentials"))
                .<TokenFetcher.Fetched>compose(res -> Future.failedFuture("unexpected answer " + res.statusCode()))
                .recover(e -> Future.failedFuture(OidcTokenFetcher.classify(e)));
        return failureOf(url, real);
    }

    private static String failureOf(String url, TokenFetcher fetcher) throws Exception {
        Throwable failure = TokenEndpoint.naming(vertx, url, Duration.ofSeconds(5), fetcher).fetch().toCompletionStage().toCompletableFuture()
                .handle((ok, e) -> e).get(30, TimeUnit.SECONDS);
        TokenException te = (TokenException) (failure.getCause() instanceof TokenException t ? t : failure);
        assertEquals(TokenException.Kind.UNAVAILABLE, te.kind());
        return te.getMessage();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionNamesTheUrlAndSaysRefused() throws Exception {
        int port = closedPort();
        String url = "http://127.0.0.1:" + port + "/tenant/oauth2/v2.0/token";
        String m = messageFor(url, "127.0.0.1", port, false);
        assertTrue(m.startsWith("token endpoint " + url + " is unreachable: connection refused ("), m);
    }

    @Test
    void anUnknownHostNamesTheUrlAndSaysUnknownHost() throws Exception {
        String url = "https://login.bc-gateway-test.invalid/tenant/oauth2/v2.0/token";
        String m = messageFor(url, "login.bc-gateway-test.invalid", 443, true);
        assertTrue(m.startsWith("token endpoint " + url + " is unreachable: unknown host ("), m);
    }

    @Test
    void tlsSpokenToAPlainServerIsATlsFailure() throws Exception {
        HttpServer plain = vertx.createHttpServer().requestHandler(r -> r.response().end("plain"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            String url = "https://127.0.0.1:" + plain.actualPort() + "/tenant/oauth2/v2.0/token";
            String m = messageFor(url, "127.0.0.1", plain.actualPort(), true);
            assertTrue(m.startsWith("token endpoint " + url + " is unreachable: TLS failure ("), m);
        } finally {
            plain.close();
        }
    }

    /** quarkus-oidc-client's own failure when nothing answers: a bare message, the cause dropped. */
    private static final TokenFetcher OIDC_CLIENT_UNAVAILABLE = () -> Future.failedFuture(
            OidcTokenFetcher.classify(new OidcClientException("OIDC Server is not available")));

    @Test
    void whenTheOidcClientDropsTheCauseOneConnectionAttemptFindsItOut() throws Exception {
        int port = closedPort();
        String refused = "http://127.0.0.1:" + port + "/tenant/oauth2/v2.0/token";
        assertTrue(failureOf(refused, OIDC_CLIENT_UNAVAILABLE).startsWith(
                "token endpoint " + refused + " is unreachable: connection refused ("), refused);
        String unknown = "https://login.bc-gateway-test.invalid/tenant/oauth2/v2.0/token";
        assertTrue(failureOf(unknown, OIDC_CLIENT_UNAVAILABLE).startsWith(
                "token endpoint " + unknown + " is unreachable: unknown host ("), unknown);
    }

    @Test
    void noAnswerInTimeIsATimeout() {
        TokenException e = OidcTokenFetcher.classify(new io.smallrye.mutiny.TimeoutException())
                .at("https://login.microsoftonline.com/t/oauth2/v2.0/token");
        assertEquals("token endpoint https://login.microsoftonline.com/t/oauth2/v2.0/token is unreachable: "
                + "no answer in time", e.getMessage());
    }

    @Test
    void theShownUrlNeverCarriesCredentialsOrAQuery() {
        assertEquals("https://login.example/t/oauth2/v2.0/token",
                TokenEndpoint.shown("https://user:pa55@login.example/t/oauth2/v2.0/token?client_secret=s3cret#x"));
        assertEquals("http://127.0.0.1:8080/sim/t/oauth2/v2.0/token",
                TokenEndpoint.shown("http://127.0.0.1:8080/sim/t/oauth2/v2.0/token"));
        assertFalse(TokenEndpoint.shown("not a url").contains("not a url"));
    }

    @Test
    void messagesNotAboutTheEndpointAndRepeatedNamingStayAsTheyAre() {
        TokenException cert = new TokenException(TokenException.Kind.REJECTED, 0, null, null, "the key file is unreadable");
        assertSame(cert, cert.at("https://x/token"));
        TokenException named = new TokenException(TokenException.Kind.UNAVAILABLE, 0, null, null,
                "token endpoint is unreachable: unknown host").at("https://x/token");
        assertSame(named, named.at("https://x/token"));
        assertEquals("token endpoint https://x/token is unreachable: unknown host", named.getMessage());
    }
}
