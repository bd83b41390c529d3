package io.bcgateway.token;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import io.bcgateway.config.ConnectionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * Where a connection asks Entra ID for tokens, and that address as operators see it: in the message of a failed
 * token request, the connection's start-up log line and the status page. An operator who reads "unreachable" must
 * see which URL the gateway tried, and why it failed.
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

    /**
     * {@code fetcher}, whose failures name the token endpoint {@code url} (as {@link #shown(String)}). When the
     * endpoint was unreachable and the failure does not say why, one connection attempt to the endpoint (TCP, and
     * TLS for https, bounded by {@code connectTimeout}) finds out; failed token requests are already spaced out by
     * {@link TokenSource}'s back-off, so this adds at most one connection per failed token request.
     */
    public static TokenFetcher naming(Vertx vertx, String url, Duration connectTimeout, TokenFetcher fetcher) {
        String shown = shown(url);
        return () -> {
            Future<TokenFetcher.Fetched> fetched;
            try {
                fetched = fetcher.fetch();
            } catch (RuntimeException e) {
                fetched = Future.failedFuture(e);
            }
            return fetched.recover(e -> {
                if (!(e instanceof TokenException te)) {
                    return Future.failedFuture(e);
                }
                if (!te.reasonUnknown()) {
                    return Future.failedFuture(te.at(shown));
                }
                return whyUnreachable(vertx, url, connectTimeout)
                        .transform(why -> Future.failedFuture(TokenException.unreachable(why.result()).at(shown)));
            });
        };
    }

    /** Connects to the endpoint once to tell refused, unknown host, TLS failure and timeout apart. */
    static Future<String> whyUnreachable(Vertx vertx, String url, Duration connectTimeout) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            return Future.succeededFuture("not a valid URL");
        }
        boolean ssl = "https".equalsIgnoreCase(u.getScheme());
        int port = u.getPort() != -1 ? u.getPort() : ssl ? 443 : 80;
        NetClient client = vertx.createNetClient(new NetClientOptions().setSsl(ssl)
                .setHostnameVerificationAlgorithm(ssl ? "HTTPS" : "")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
        return client.connect(port, u.getHost()).transform(ar -> {
            client.close();
            if (ar.succeeded()) {
                ar.result().close();
                return Future.succeededFuture("the request failed, though the endpoint accepts connections now");
            }
            String why = OidcTokenFetcher.whyUnreachable(ar.cause());
            return Future.succeededFuture(why != null ? why : "connection failed");
        });
    }
}
