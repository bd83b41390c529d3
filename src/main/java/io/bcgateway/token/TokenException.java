package io.bcgateway.token;

import java.util.Optional;

/**
 * A token could not be obtained. The message is safe to show to a caller: it carries Entra ID's error code and
 * AADSTS number, never a secret, an assertion or Entra's full response.
 */
public final class TokenException extends RuntimeException {

    /** Why no token could be had. */
    public enum Kind {
        /** Entra ID answered and refused (wrong or expired secret, unknown app or tenant, bad scope). */
        REJECTED,
        /** Entra ID could not be reached, timed out, failed, or throttled the gateway. */
        UNAVAILABLE
    }

    private final Kind kind;
    private final int entraStatus;
    private final String aadstsCode;
    private final String entraError;

    public TokenException(Kind kind, int entraStatus, String aadstsCode, String entraError, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.entraStatus = entraStatus;
        this.aadstsCode = aadstsCode;
        this.entraError = entraError;
    }

    /** How messages about the token endpoint begin; {@link #at(String)} puts the endpoint's URL after it. */
    static final String ENDPOINT = "token endpoint ";
    private static final String UNREACHABLE = ENDPOINT + "is unreachable";

    /**
     * No answer came from the token endpoint; {@code why} says why (connection refused, unknown host, TLS failure,
     * timeout), or is null when the failure did not tell (see {@link #reasonUnknown()}).
     */
    static TokenException unreachable(String why) {
        return new TokenException(Kind.UNAVAILABLE, 0, null, null, why == null ? UNREACHABLE : UNREACHABLE + ": " + why);
    }

    /**
     * The endpoint was unreachable and the failure did not say why: quarkus-oidc-client logs the transport error
     * and then fails with a bare "OIDC Server is not available", its cause dropped.
     */
    boolean reasonUnknown() {
        return UNREACHABLE.equals(getMessage());
    }

    /**
     * The same failure, its message naming the token endpoint: {@code token endpoint https://login.../token is
     * unreachable: connection refused}. A message that is not about the endpoint stays as it is.
     */
    public TokenException at(String url) {
        String m = getMessage();
        if (m == null || !m.startsWith(ENDPOINT) || m.startsWith(ENDPOINT + url + " ")) {
            return this;
        }
        return new TokenException(kind, entraStatus, aadstsCode, entraError, ENDPOINT + url + " "
                + m.substring(ENDPOINT.length()));
    }

    public Kind kind() {
        return kind;
    }

    /** Entra's HTTP status, or 0 when no answer came. */
    public int entraStatus() {
        return entraStatus;
    }

    /** For example {@code AADSTS7000215}. */
    public Optional<String> aadstsCode() {
        return Optional.ofNullable(aadstsCode);
    }

    /** Entra's OAuth error, for example {@code invalid_client}. */
    public Optional<String> entraError() {
        return Optional.ofNullable(entraError);
    }
}
