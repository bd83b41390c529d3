package io.bcgateway.idempotency;

import java.net.ConnectException;
import java.util.function.UnaryOperator;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.bcgateway.gate.AnswerTap;
import io.bcgateway.gate.CopyingStream;
import io.bcgateway.problem.Problem;
import io.bcgateway.resilience.RetryPolicy;
import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

/**
 * One write holding an idempotency key, watching its own answer to settle the record:
 * <ul>
 * <li>BC answered (2xx, 3xx, 4xx other than 408 and 429): completed, with the answer as the caller got it;</li>
 * <li>BC did not execute it (429, BC's throttling 503, nothing sent: admission, token, open circuit, no
 * connection): released, so a repeat is sent afresh;</li>
 * <li>sent, and nothing says whether BC executed it (a timeout, a reset, a 408 or another 5xx, the caller hanging
 * up meanwhile): for a write that is not safe to repeat (POST, PATCH without a concrete {@code If-Match}, the same
 * rule as {@link RetryPolicy}) the record says outcome unknown, so the write is never sent twice; a DELETE or a
 * PATCH with its ETag is released, since BC itself refuses its repeat if the first one ran.</li>
 * </ul>
 */
final class IdempotentWrite implements AnswerTap {

    private static final Logger LOG = Logger.getLogger(IdempotentWrite.class);

    private final IdempotencyStore store;
    private final String recordKey;
    private final String fingerprint;
    private final boolean safeToRepeat;
    private final int maxBody;
    private final Runnable afterSuccess;

    private int status;
    private String etag;
    private String location;
    private String contentType;
    private CopyingStream copy;
    private UnaryOperator<Buffer> rewrite;
    private Buffer wholeBody;
    private Throwable failure;

    IdempotentWrite(IdempotencyStore store, String recordKey, String fingerprint, HttpMethod method, String ifMatch,
            int maxBody, Runnable afterSuccess) {
        this.store = store;
        this.recordKey = recordKey;
        this.fingerprint = fingerprint;
        this.safeToRepeat = RetryPolicy.mayRetry(RetryPolicy.Outcome.UNKNOWN, method, ifMatch);
        this.maxBody = maxBody;
        this.afterSuccess = afterSuccess;
    }

    @Override
    public WriteStream<Buffer> streamed(HttpServerResponse response, WriteStream<Buffer> toCaller,
            UnaryOperator<Buffer> rewrite) {
        head(response);
        this.rewrite = rewrite;
        copy = new CopyingStream(toCaller, maxBody, null);
        return copy;
    }

    @Override
    public void whole(HttpServerResponse response, Buffer body) {
        head(response);
        wholeBody = body;
    }

    private void head(HttpServerResponse response) {
        status = response.getStatusCode();
        etag = response.headers().get(HttpHeaders.ETAG);
        location = response.headers().get(HttpHeaders.LOCATION);
        contentType = response.headers().get(HttpHeaders.CONTENT_TYPE);
    }

    @Override
    public void failed(Throwable failure, Problem problem) {
        this.failure = failure;
    }

    @Override
    public void ended(int sentStatus, int attempts) {
        if (failure != null) {
            settleUnanswered(wasSent(failure));
        } else if (status == 0) {
            settleUnanswered(attempts > 0); // the caller hung up before BC answered; a request under way was reset
        } else if (RetryPolicy.ofStatus(status, errorCode(wholeBody)) == RetryPolicy.Outcome.NOT_EXECUTED) {
            release();
        } else if (status >= 500 || status == 408) {
            settleUnanswered(true);
        } else {
            complete(sentStatus != 0);
        }
    }

    private void complete(boolean wentOutWhole) {
        Buffer body = wholeBody != null ? wholeBody : copy == null ? null : copy.copy();
        if (body != null && rewrite != null) {
            body = rewrite.apply(body);
        }
        if (body != null && (body.length() > maxBody || !wentOutWhole)) {
            body = null;
        }
        // Without its body, a Content-Type would announce a document that is not there.
        IdempotencyRecord.StoredAnswer answer = new IdempotencyRecord.StoredAnswer(status, etag, location,
                body == null ? null : contentType, body == null ? null : body.getBytes());
        settle(new IdempotencyRecord(fingerprint, IdempotencyRecord.State.COMPLETED, 0, answer));
        if (status >= 200 && status < 300 && afterSuccess != null) {
            afterSuccess.run();
        }
    }

    private void settleUnanswered(boolean sent) {
        if (sent && !safeToRepeat) {
            settle(new IdempotencyRecord(fingerprint, IdempotencyRecord.State.OUTCOME_UNKNOWN, 0, null));
        } else {
            release();
        }
    }

    private void settle(IdempotencyRecord outcome) {
        store.settle(recordKey, outcome).onFailure(e -> LOG.warnf(
                "An idempotency record could not be settled (%s): a repeat will read it as outcome unknown once its "
                        + "lease ends", e.getMessage()));
    }

    private void release() {
        store.release(recordKey).onFailure(e -> LOG.warnf(
                "An idempotency record could not be released (%s): a repeat will read it as outcome unknown once its "
                        + "lease ends", e.getMessage()));
    }

    /** Whether the request may have reached BC: anything but a refusal before sending. */
    private static boolean wasSent(Throwable failure) {
        return !(failure instanceof AdmissionRejectedException || failure instanceof CircuitBreakerOpenException
                || failure instanceof TokenException || failure instanceof ConnectException);
    }

    private static String errorCode(Buffer body) {
        if (body == null) {
            return null;
        }
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            return error == null ? null : error.getString("code");
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
