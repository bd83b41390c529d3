package io.bcgateway.token;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Requests client-credentials tokens through a quarkus-oidc-client {@link OidcClient} and turns its failures
 * into {@link TokenException}s that name Entra ID's error code but nothing else from its answer.
 */
public final class OidcTokenFetcher implements TokenFetcher {

    /** quarkus-oidc-client reports a refused grant as "... status: 401, error message: {body}". */
    private static final Pattern STATUS = Pattern.compile("status: (\\d{3})");
    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d{4,9})");
    private static final Pattern OAUTH_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]{1,64})\"");
    /** Used when Entra ID states no lifetime at all; real tokens live 60 to 90 minutes. */
    private static final Duration FALLBACK_LIFETIME = Duration.ofMinutes(5);

    private final OidcClient client;
    private final Duration timeout;
    private final ClientAssertion assertion;

    /** For a client that carries its own credentials (a client secret). */
    public OidcTokenFetcher(OidcClient client, Duration timeout) {
        this(client, timeout, null);
    }

    /**
     * For a client without credentials of its own: every token request sends a fresh {@code client_assertion}
     * from {@code assertion} (a certificate-signed JWT or a federated token) as an extra grant parameter.
     */
    public OidcTokenFetcher(OidcClient client, Duration timeout, ClientAssertion assertion) {
        this.client = client;
        this.timeout = timeout;
        this.assertion = assertion;
    }

    OidcClient client() {
        return client;
    }

    @Override
    public Future<Fetched> fetch() {
        if (assertion == null) {
            return request(Map.of());
        }
        return assertion.next().compose(signed -> request(
                Map.of("client_assertion_type", ClientAssertion.JWT_BEARER, "client_assertion", signed)));
    }

    private Future<Fetched> request(Map<String, String> grantParameters) {
        Promise<Fetched> promise = Promise.promise();
        client.getTokens(grantParameters)
                .ifNoItem().after(timeout).fail()
                .subscribe().with(
                        tokens -> promise.complete(new Fetched(tokens.getAccessToken(), lifetimeOf(tokens))),
                        failure -> promise.fail(classify(failure)));
        return promise.future();
    }

    private static Duration lifetimeOf(Tokens tokens) {
        Long expiresAt = tokens.getAccessTokenExpiresAt();
        if (expiresAt == null) {
            return FALLBACK_LIFETIME;
        }
        long seconds = expiresAt - System.currentTimeMillis() / 1000;
        return Duration.ofSeconds(Math.max(seconds, 1));
    }

    /**
     * Maps a failure of the OIDC client. Its message carries either Entra ID's error body or a status line; only
     * the status, the OAuth error and the AADSTS number are kept. An answer with an OAuth error is a refusal
     * (except Entra's own "try later" errors and throttling); no answer at all counts as unavailable.
     */
    static TokenException classify(Throwable failure) {
        String message = messageChain(failure);
        Matcher status = STATUS.matcher(message);
        int code = status.find() ? Integer.parseInt(status.group(1)) : 0;
        Matcher oauth = OAUTH_ERROR.matcher(message);
        String error = oauth.find() ? oauth.group(1) : null;
        if (code == 0 && error == null) {
            return TokenException.unreachable(whyUnreachable(failure));
        }
        Matcher aadsts = AADSTS.matcher(message);
        String aadstsCode = aadsts.find() ? "AADSTS" + aadsts.group(1) : null;
        boolean transient_ = code == 429 || code >= 500 || "temporarily_unavailable".equals(error)
                || "server_error".equals(error) || "AADSTS90055".equals(aadstsCode);
        String detail = (transient_ ? "token endpoint is unavailable" : "token endpoint refused the credentials")
                + (code != 0 ? ": HTTP " + code : ":")
                + (error != null ? " " + error : "")
                + (aadstsCode != null ? " (" + aadstsCode + ")" : "");
        return new TokenException(transient_ ? TokenException.Kind.UNAVAILABLE : TokenException.Kind.REJECTED, code,
                aadstsCode, error, detail);
    }

    /**
     * Why no answer came, in the operator's words: refused, unknown host, TLS failure or timeout, then the
     * innermost cause's type (only its type: its message could quote the request); null when the failure does not
     * tell.
     */
    static String whyUnreachable(Throwable failure) {
        if (failure instanceof io.smallrye.mutiny.TimeoutException || has(failure, java.util.concurrent.TimeoutException.class)) {
            return "no answer in time";
        }
        if (failure.getCause() == null && failure instanceof io.quarkus.oidc.client.OidcClientException) {
            return null; // the client dropped the cause: TokenEndpoint finds out
        }
        String why;
        if (has(failure, io.netty.channel.ConnectTimeoutException.class)) {
            why = "connect timed out";
        } else if (has(failure, java.net.UnknownHostException.class)) {
            why = "unknown host";
        } else if (has(failure, java.net.ConnectException.class)) {
            why = "connection refused";
        } else if (has(failure, javax.net.ssl.SSLException.class)) {
            why = "TLS failure";
        } else if (has(failure, java.io.IOException.class)) {
            why = "connection failed";
        } else {
            why = "request failed";
        }
        return why + " (" + rootCause(failure) + ")";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's type, for operators; transport exceptions carry no secrets. */
    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }

    private static String messageChain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 16_384; c = c.getCause()) {
            if (c.getMessage() != null) {
                sb.append(c.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }
}
