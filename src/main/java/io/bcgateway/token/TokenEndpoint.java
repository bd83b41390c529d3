package io.bcgateway.token;

import java.net.URI;
import java.net.URISyntaxException;

import io.bcgateway.config.ConnectionConfig;
import io.vertx.core.Future;

/**
 * Where a connection asks Entra ID for tokens, and that address as operators see it: in the message of a failed
 * token request, the connection's start-up log line and the status page. An operator who reads "unreachable" must
 * see which URL the gateway tried.
 */
public final class TokenEndpoint {

    /** Entra ID's v2.0 token endpoint of a tenant (bc-facts "Token endpoint"). */
    private static final String ENTRA = "https://login.microsoftonline.com/%s/oauth2/v2.0/token";

    private TokenEndpoint() {
    }

    /** The configured {@code token-url}, or Entra ID's token endpoint of the connection's tenant. */
    public static String urlOf(ConnectionConfig c) {
        return c.tokenUrl().orElse(ENTRA.formatted(c.tenantId()));
    }

    /**
     * {@code url} without user info, query or fragment: a token URL carries no secret, but one configured with
     * credentials or parameters in it would, so only scheme, host, port and path are ever shown.
     */
    public static String shown(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return "(not an absolute URL)";
            }
            String host = u.getHost() != null ? u.getHost() : "?";
            return new URI(u.getScheme(), null, host, u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "(not a valid URL)";
        }
    }

    /** {@code fetcher}, whose failures name the token endpoint {@code url} (as {@link #shown(String)}). */
    public static TokenFetcher naming(String url, TokenFetcher fetcher) {
        String shown = shown(url);
        return () -> {
            Future<TokenFetcher.Fetched> fetched;
            try {
                fetched = fetcher.fetch();
            } catch (RuntimeException e) {
                fetched = Future.failedFuture(e);
            }
            return fetched.recover(e -> Future.failedFuture(e instanceof TokenException te ? te.at(shown) : e));
        };
    }
}
