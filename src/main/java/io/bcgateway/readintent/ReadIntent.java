package io.bcgateway.readintent;

import java.time.Duration;

import io.bcgateway.config.ConnectionConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * BC's read scale-out for one connection: with {@code read-intent=replica} a GET goes to the read-only replica
 * ({@code Data-Access-Intent: ReadOnly}, bc-facts "Read scale-out"), unless the caller chose its own intent or wrote
 * to the same company within the read-your-writes window.
 */
public final class ReadIntent {

    public static final String HEADER = "Data-Access-Intent";
    static final String READ_ONLY = "ReadOnly";

    private ReadIntent() {
    }

    /** Adds {@code Data-Access-Intent: ReadOnly} to a GET that should read the replica. */
    public static void decide(HttpServerRequest request, String connection, String caller, String path,
            ConnectionConfig.ReadIntent intent, RecentWrites recentWrites) {
        if (intent != ConnectionConfig.ReadIntent.REPLICA || request.headers().contains(HEADER)) {
            return;
        }
        if (!recentWrites.mustReadPrimary(connection, caller, path)) {
            request.headers().set(HEADER, READ_ONLY);
        }
    }

    /** What a successful write records: its caller's reads of that company use the primary for {@code window}. */
    public static Runnable afterWrite(String connection, String caller, String path, Duration window,
            RecentWrites recentWrites) {
        return () -> recentWrites.wrote(connection, caller, path, window);
    }
}
