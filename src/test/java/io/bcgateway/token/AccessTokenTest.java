package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.netty.util.AsciiString;

/**
 * The token's header value. That Business Central receives exactly {@code Bearer <token>} is shown end to end by
 * every proxied test against the simulator, which checks each token's signature and claims.
 */
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
