package io.bcgateway.proxy;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.bcgateway.token.TokenException;

/** The one place where a failure on the way to Business Central becomes the caller's status. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /**
     * Token failures: 502 (rejected) or 503 (Entra unavailable). Timeouts waiting for BC: 504. Anything else
     * between the gateway and BC (refused, unknown host, TLS, reset): 502.
     */
    static Problem toProblem(String connection, Throwable failure) {
        if (failure instanceof TokenException te) {
            return Problems.token(connection, te);
        }
        if (failure instanceof TimeoutException) {
            return Problems.upstreamTimeout(connection);
        }
        if (failure instanceof UnknownHostException) {
            return Problems.upstreamUnreachable(connection, "the Business Central host name does not resolve.");
        }
        if (failure instanceof ConnectException) {
            return Problems.upstreamUnreachable(connection, "the connection to Business Central failed.");
        }
        if (hasCause(failure, SSLException.class)) {
            return Problems.upstreamUnreachable(connection, "the TLS handshake with Business Central failed.");
        }
        return Problems.upstreamUnreachable(connection, "the exchange with Business Central broke off.");
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
