package io.bcgateway.resilience;

/**
 * An attempt that counts against BC's health: a 5xx answer (other than throttling), a timeout or a transport
 * failure. Carries what the exchange needs to answer the caller or retry.
 */
public final class BcFailureException extends RuntimeException {

    private final transient Object result;
    private final RetryPolicy.Outcome outcome;

    /**
     * @param result the attempt's answer when BC answered (to relay if it is not retried), else null
     * @param cause the transport failure when BC did not answer, else null
     */
    public BcFailureException(Object result, Throwable cause, RetryPolicy.Outcome outcome) {
        super(cause == null ? "Business Central answered with a server error" : cause.toString(), cause, false, false);
        this.result = result;
        this.outcome = outcome;
    }

    public Object result() {
        return result;
    }

    public RetryPolicy.Outcome outcome() {
        return outcome;
    }
}
