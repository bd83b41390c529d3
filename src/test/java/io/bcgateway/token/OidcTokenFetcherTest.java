package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.quarkus.oidc.client.OidcClientException;

class OidcTokenFetcherTest {

    private static final String WRONG_SECRET_BODY = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
            + "Invalid client secret provided. Trace ID: 4f48 Correlation ID: f966 Timestamp: 2026-11-27 19:24:27Z\","
            + "\"error_codes\":[7000215]}";

    @Test
    void entraRefusingTheSecretIsARejectionNamingTheCodeAndNothingElse() {
        TokenException e = OidcTokenFetcher.classify(new OidcClientException(WRONG_SECRET_BODY));
        assertEquals(TokenException.Kind.REJECTED, e.kind());
        assertEquals("AADSTS7000215", e.aadstsCode().orElseThrow());
        assertEquals("invalid_client", e.entraError().orElseThrow());
        assertFalse(e.getMessage().contains("Trace ID"), e.getMessage());
    }

    @Test
    void entraThrottlingOrFailingIsUnavailable() {
        assertEquals(TokenException.Kind.UNAVAILABLE, OidcTokenFetcher.classify(new OidcClientException(
                "client has failed to complete the client grant request:  status: 429, error message: {}")).kind());
        assertEquals(TokenException.Kind.UNAVAILABLE, OidcTokenFetcher.classify(new OidcClientException(
                "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90055: throttled\"}")).kind());
    }

    @Test
    void noAnswerAtAllIsUnavailable() {
        TokenException e = OidcTokenFetcher.classify(
                new OidcClientException("OIDC Server is not available", new ConnectException("Connection refused")));
        assertEquals(TokenException.Kind.UNAVAILABLE, e.kind());
        assertEquals(0, e.entraStatus());
    }
}
