package io.bcgateway.connection;

import io.bcgateway.token.TokenSource;
import io.vertx.core.http.HttpClient;

/**
 * One configured Business Central connection, ready to use: where BC is, the pooled client that reaches it,
 * and the token cache of its app registration (its principal).
 */
public record Connection(String name, BcEndpoint endpoint, HttpClient http, TokenSource tokens) {
}
