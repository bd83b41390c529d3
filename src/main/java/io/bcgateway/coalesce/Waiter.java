package io.bcgateway.coalesce;

import io.bcgateway.connection.Connection;
import io.bcgateway.gate.Launcher;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;

/**
 * A caller waiting for a flight's answer: everything needed to answer it on its own event loop, or to send its
 * request after all. {@code tries} counts the flights it has joined or led, so that it goes on its own after a few.
 */
record Waiter(HttpServerRequest request, String caller, Connection connection, String key, Launcher launcher,
        Context context, long startNanos, int tries) {
}
