package io.bcgateway.proxy;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import io.bcgateway.connection.Connection;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;

/** The one place where a failure on the way to Business Central becomes the caller's status. */
public final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /**
     * Admission refused before the deadline: 429. Circuit open: 503. Token failures: 502 (rejected) or 503 (Entra
     * unavailable). Timeouts waiting for BC: 504. Anything else between the gateway and BC (refused, unknown host,
     * TLS, reset): 502.
     */
    public static Problem toProblem(Connection connection, Throwable failure) {
        if (failure instanceof AdmissionRejectedException rejected) {
            return Problems.throttled(connection.name(), rejected);
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return Problems.circuitOpen(connection.name(), connection.breaker().delay());
        }
        return toProblem(connection.name(), failure);
    }

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
