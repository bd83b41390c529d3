package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.util.AsciiString;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

class AccessTokenTest {

    private static final Instant T = Instant.EPOCH;
    /** As long as the simulator's and Entra's tokens: over a kilobyte. */
    private static final String JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "eyJhdWQiOiJodHRwczovL2FwaS".repeat(50) + ".sig-_";

    @Test
    void theHeaderValueIsMadeOnceInTheFormVertxCopiesInOnePiece() {
        AccessToken token = new AccessToken(JWT, T, T, T);
        // Vert.x validates and encodes an AsciiString over its byte array; a String char by char, per request.
        assertInstanceOf(AsciiString.class, token.authorization());
        assertEquals("Bearer " + JWT, token.authorization().toString());
    }

    @Test
    void bcReceivesExactlyBearerAndTheToken() throws Exception {
        AccessToken token = new AccessToken(JWT, T, T, T);
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer bc = vertx.createHttpServer()
                    .requestHandler(r -> r.response().end(String.valueOf(r.getHeader("Authorization"))))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String received = vertx.createHttpClient()
                    .request(HttpMethod.GET, bc.actualPort(), "127.0.0.1", "/api")
                    .compose(request -> request.putHeader(HttpHeaders.AUTHORIZATION, token.authorization()).send())
                    .compose(response -> response.body())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
            assertEquals("Bearer " + JWT, received);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTokenOutsideAsciiIsStillSentAsItCame() {
        AccessToken token = new AccessToken("t\u00f8ken", T, T, T);
        assertEquals("Bearer t\u00f8ken", token.authorization().toString());
    }

    @Test
    void refusesAHeaderThatDoesNotCarryTheToken() {
        assertThrows(IllegalArgumentException.class, () -> new AccessToken("abc", T, T, T, "Bearer abd"));
        assertThrows(IllegalArgumentException.class, () -> new AccessToken("abc", T, T, T, "bearer abc"));
        assertThrows(IllegalArgumentException.class, () -> new AccessToken("abc", T, T, T, AsciiString.of("Bearer abcd")));
        assertEquals("Bearer abc", new AccessToken("abc", T, T, T, AsciiString.of("Bearer abc")).authorization().toString());
    }

    @Test
    void itsTextNeverShowsTheToken() {
        AccessToken token = new AccessToken(JWT, T, T, T);
        assertFalse(token.toString().contains(JWT.substring(0, 20)));
    }
}
