package io.bcgateway.coalesce;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.bcgateway.gate.AnswerTap;
import io.bcgateway.gate.CopyingStream;
import io.bcgateway.problem.Problem;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * One GET in flight at BC that identical GETs may join. The leader's exchange runs as usual with this flight as its
 * {@link AnswerTap}; waiters join until the answer's head is decided, and then:
 * <ul>
 * <li>nobody joined: nothing more happens (no copy, no buffer: the single caller's cost is the map steps);</li>
 * <li>an answer of at most {@code maxBody}, BC's (whatever its status: a 404 or a 503 after the leader's retries is
 * the same answer for everyone) or the gateway's problem: every waiter gets the same status, headers and body;</li>
 * <li>a larger answer streams to the leader only, and each waiter is sent to BC on its own;</li>
 * <li>the leader's exchange broke off (its caller hung up, BC reset the body): the waiters try again, the first to
 * arrive leading a new flight, so that one caller's hang-up does not cost the others their answer.</li>
 * </ul>
 */
final class Flight implements AnswerTap {

    private final Flights flights;
    private final String key;
    private final int maxBody;

    /** Guarded by this: waiters joined so far; null once the flight is closed to joiners. */
    private List<Waiter> waiters = new ArrayList<>(0);

    // The leader's side, on the leader's event loop only.
    private boolean closed;
    private List<Waiter> receivers;
    private int status;
    private MultiMap headers;
    private CopyingStream copy;
    private UnaryOperator<Buffer> rewrite;
    private Buffer wholeBody;
    private Problem problem;

    Flight(Flights flights, String key, int maxBody) {
        this.flights = flights;
        this.key = key;
        this.maxBody = maxBody;
    }

    /** Adds a waiter unless the answer's head is already decided. */
    synchronized boolean join(Waiter waiter) {
        if (waiters == null) {
            return false;
        }
        waiters.add(waiter);
        return true;
    }

    /** No more joiners: the answer is decided (or the leader gone). Returns the waiters, possibly none. */
    private List<Waiter> close() {
        if (closed) {
            return List.of();
        }
        closed = true;
        flights.landed(key, this);
        synchronized (this) {
            List<Waiter> joined = waiters;
            waiters = null;
            return joined == null ? List.of() : joined;
        }
    }

    @Override
    public WriteStream<Buffer> streamed(HttpServerResponse response, WriteStream<Buffer> toCaller,
            UnaryOperator<Buffer> rewrite) {
        List<Waiter> joined = close();
        if (joined.isEmpty()) {
            return toCaller;
        }
        String length = response.headers().get(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parse(length) > maxBody) {
            flights.sendAlone(joined);
            return toCaller;
        }
        receivers = joined;
        head(response);
        this.rewrite = rewrite;
        copy = new CopyingStream(toCaller, maxBody, this::overflowed);
        return copy;
    }

    /** The answer is larger than waiters may share: they go to BC on their own, at once. */
    private void overflowed() {
        List<Waiter> joined = receivers;
        receivers = null;
        flights.sendAlone(joined);
    }

    @Override
    public void whole(HttpServerResponse response, Buffer body) {
        List<Waiter> joined = close();
        if (!joined.isEmpty()) {
            receivers = joined;
            head(response);
            wholeBody = body;
        }
    }

    @Override
    public void failed(Throwable failure, Problem problem) {
        List<Waiter> joined = close();
        if (!joined.isEmpty()) {
            receivers = joined;
            this.problem = problem;
        }
    }

    private void head(HttpServerResponse response) {
        status = response.getStatusCode();
        headers = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
    }

    @Override
    public void ended(int sentStatus, int attempts) {
        List<Waiter> joined = receivers;
        receivers = null;
        if (joined == null) {
            joined = close(); // the leader's caller hung up before the answer: whoever joined tries again
            flights.retry(joined);
            return;
        }
        Buffer body = wholeBody != null ? wholeBody : copy == null ? null : copy.copy();
        if (sentStatus == 0 || (problem == null && body == null)) {
            flights.retry(joined); // the answer broke off: nobody has it whole
            return;
        }
        if (body != null && rewrite != null) {
            body = rewrite.apply(body);
        }
        flights.deliver(joined, status, headers, body, problem);
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
