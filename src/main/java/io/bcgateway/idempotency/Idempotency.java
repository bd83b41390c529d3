package io.bcgateway.idempotency;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.bcgateway.config.ClusterConfig;
import io.bcgateway.config.IdempotencyConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.gate.Launcher;
import io.bcgateway.gate.LocalAnswer;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.ProblemType;
import io.bcgateway.proxy.BoundedBody;
import io.bcgateway.proxy.ContextHop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Redis;

/**
 * Idempotency keys for writes: a write carrying {@code Idempotency-Key} is fingerprinted and claimed in the
 * {@link IdempotencyStore} before it may go to Business Central; a repeat is answered from the record (the stored
 * answer, 409 while the first is in flight, 422 for another request under the key, 502 {@code outcome-unknown} when
 * nobody can know whether BC executed it) and BC sees nothing.
 */
@ApplicationScoped
public class Idempotency {

    /** Marks an answer that came from a record, not from BC. */
    public static final String REPLAYED = "Idempotent-Replayed";
    /**
     * How long a record stays in flight before a reader takes its holder as gone: BC ends every request after 10
     * minutes (bc-facts "Limits": request time), and a minute covers the answer's way back.
     */
    static final Duration LEASE = Duration.ofMinutes(11);

    private final IdempotencyStore store;
    private final Clock clock;
    private final int maxBody;

    @Inject
    public Idempotency(IdempotencyConfig config, ClusterConfig cluster, Instance<Redis> redis, Clock clock) {
        this(cluster.enabled()
                ? new RedisIdempotencyStore(redis.get(), cluster.keyPrefix() + "idem:", config.ttl())
                : new MemoryIdempotencyStore(clock, config.ttl(), config.maxRecords(), config.maxStoredBytes()),
                clock, config.maxBody());
    }

    public Idempotency(IdempotencyStore store, Clock clock, int maxBody) {
        this.store = store;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    public IdempotencyStore store() {
        return store;
    }

    /**
     * Handles a write carrying {@code Idempotency-Key} (the header is present).
     *
     * @param target the request target at the gateway below the connection (path and query)
     * @param knownBody the body when it has been read already (a {@code $batch}), else null
     * @param afterSuccess run when BC answered the write with 2xx (read-your-writes), or null
     */
    public void handle(HttpServerRequest request, String caller, Connection connection, String target,
            Buffer knownBody, Runnable afterSuccess, Launcher launcher) {
        long started = System.nanoTime();
        String header = request.getHeader(IdempotencyKey.HEADER);
        String refused = IdempotencyKey.reject(header);
        if (refused != null) {
            LocalAnswer.send(request, caller, connection, started, problem(400, ProblemType.IDEMPOTENCY_KEY_INVALID,
                    "Invalid Idempotency-Key", refused, connection));
            return;
        }
        Context context = Vertx.currentContext();
        Future<Buffer> body = knownBody != null ? Future.succeededFuture(knownBody) : BoundedBody.read(request, maxBody);
        ContextHop.onContext(context, body, read -> {
            if (read.failed()) {
                if (!(read.cause() instanceof BoundedBody.TooLarge)) {
                    request.connection().close(); // the caller hung up mid-body: nothing was claimed or sent
                    return;
                }
                LocalAnswer.send(request, caller, connection, started, problem(413, ProblemType.IDEMPOTENT_BODY_TOO_LARGE,
                        "Body too large for an idempotent write", "A write with an Idempotency-Key is read whole to "
                                + "fingerprint it; its body may have at most " + maxBody + " bytes. Send larger "
                                + "bodies without the key.", connection));
                request.connection().close(); // the rest of the body is not read
                return;
            }
            String fingerprint = Fingerprint.of(request.method().name(), target, read.result());
            String recordKey = connection.name() + '\n' + caller + '\n' + IdempotencyKey.unquoted(header);
            IdempotencyRecord mine = IdempotencyRecord.inFlight(fingerprint, clock.millis() + LEASE.toMillis());
            ContextHop.onContext(context, store.claim(recordKey, mine), claimed -> {
                if (claimed.failed()) {
                    LocalAnswer.send(request, caller, connection, started, problem(503,
                            ProblemType.IDEMPOTENCY_UNAVAILABLE, "Idempotency records unavailable",
                            "The gateway cannot reach its idempotency records, so it cannot tell a repeat from a new "
                                    + "write; nothing was sent. Try again shortly.", connection).retryAfter(1));
                } else if (claimed.result() == null) {
                    launcher.launch(read.result(), new IdempotentWrite(store, recordKey, fingerprint,
                            request.method(), request.getHeader(HttpHeaders.IF_MATCH), maxBody, afterSuccess));
                } else {
                    answerRepeat(request, caller, connection, started, fingerprint, claimed.result());
                }
            });
        });
    }

    private void answerRepeat(HttpServerRequest request, String caller, Connection connection, long started,
            String fingerprint, IdempotencyRecord found) {
        if (!found.fingerprint().equals(fingerprint)) {
            LocalAnswer.send(request, caller, connection, started, problem(422, ProblemType.IDEMPOTENCY_KEY_REUSED,
                    "Idempotency-Key used for another request", "This Idempotency-Key belongs to another request ("
                            + Fingerprint.requestLine(found.fingerprint()) + ", or the same with another body); "
                            + "use a new key for a new request.", connection));
            return;
        }
        switch (found.stateAt(clock.millis())) {
            case IN_FLIGHT -> LocalAnswer.send(request, caller, connection, started, problem(409,
                    ProblemType.IDEMPOTENCY_KEY_IN_USE, "Request with this Idempotency-Key in flight",
                    "The first request with this Idempotency-Key has not been answered yet; repeat it after the "
                            + "Retry-After to get its answer.", connection).retryAfter(1));
            case OUTCOME_UNKNOWN -> LocalAnswer.send(request, caller, connection, started, problem(502,
                    ProblemType.OUTCOME_UNKNOWN, "Outcome unknown",
                    "The first request with this Idempotency-Key reached Business Central, but its answer was lost "
                            + "(a timeout, a broken connection or a server error), so nobody can know whether it was "
                            + "executed, and the gateway will not send it a second time. Find out by reading what it "
                            + "would have written, for example a GET by its natural key (number, externalDocumentNumber) "
                            + "or with $filter on lastModifiedDateTime; then write again under a new key if needed.",
                    connection));
            case COMPLETED -> replay(request, caller, connection, started, found.answer());
        }
    }

    private static void replay(HttpServerRequest request, String caller, Connection connection, long started,
            IdempotencyRecord.StoredAnswer answer) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (answer.etag() != null) {
            headers.set(HttpHeaders.ETAG, answer.etag());
        }
        if (answer.location() != null) {
            headers.set(HttpHeaders.LOCATION, answer.location());
        }
        if (answer.contentType() != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, answer.contentType());
        }
        headers.set(REPLAYED, "true");
        LocalAnswer.send(request, caller, connection, started, answer.status(), headers,
                answer.body() == null ? null : Buffer.buffer(answer.body()));
    }

    private static Problem problem(int status, ProblemType type, String title, String detail, Connection connection) {
        return Problem.of(status, type, title, detail).with("connection", connection.name());
    }
}
