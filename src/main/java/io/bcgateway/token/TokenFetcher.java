package io.bcgateway.token;

import java.time.Duration;

import io.vertx.core.Future;

/** Performs one token request. The seam between {@link TokenSource}'s cache and quarkus-oidc-client. */
@FunctionalInterface
public interface TokenFetcher {

    /** A freshly issued token and how long Entra ID said it lives. */
    record Fetched(String value, Duration lifetime) {
        @Override
        public String toString() {
            return "Fetched[lifetime=" + lifetime + "]";
        }
    }

    /** Requests a new token; fails with a {@link TokenException}. */
    Future<Fetched> fetch();
}
