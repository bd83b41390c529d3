package io.bcgateway.token;

import io.vertx.core.Future;

/**
 * Produces the {@code client_assertion} of one token request ({@code client_assertion_type=
 * urn:ietf:params:oauth:client-assertion-type:jwt-bearer}): a JWT signed with a certificate's key, or a federated
 * token read from a file. The assertion is a credential: it must never reach a log line or an error message.
 */
@FunctionalInterface
public interface ClientAssertion {

    /** RFC 7523's assertion type, the same for certificates and workload identity federation. */
    String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /**
     * The assertion for the token request about to be sent; fails with a {@link TokenException}. A future, because
     * producing it may read a file, which must not block the event loop that asks for the token.
     */
    Future<String> next();
}
