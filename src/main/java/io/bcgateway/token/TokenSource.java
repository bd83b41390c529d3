package io.bcgateway.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The one token cache of a connection: the current token, at most one token request in flight, and the memory
 * of the last failure.
 *
 * <p>quarkus-oidc-client performs the grant; its own single-flight holder lives in its internal runtime package
 * and has neither an injectable clock nor a failure memory, so this class keeps the state (the same
 * atomic-state shape) and the client does the HTTP. Rules:
 * <ul>
 * <li>A valid token is handed out without any allocation or lock.</li>
 * <li>From {@code refreshAt} a replacement is fetched in the background while the current token is still used;
 * callers never wait for Entra ID unless no usable token exists.</li>
 * <li>However many callers arrive, one token request is in flight; all of them share its outcome.</li>
 * <li>A token past {@code usableUntil} is never handed out.</li>
 * <li>A failed request is remembered with exponential back-off, so a wrong secret or an Entra ID outage does not
 * turn every caller request into a token request.</li>
 * </ul>
 */
public final class TokenSource {

    private static final Logger LOG = Logger.getLogger(TokenSource.class);

    private final String connection;
    private final TokenFetcher fetcher;
    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration safetyMargin;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final AtomicReference<State> state = new AtomicReference<>(State.EMPTY);

    /**
     * @param connection the connection's name, for log lines
     * @param fetcher performs the token request
     * @param clock the time source (tests pass a movable clock)
     */
    public TokenSource(String connection, TokenFetcher fetcher, Clock clock, Duration refreshAhead,
            Duration safetyMargin, Duration backoffInitial, Duration backoffMax) {
        if (backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("token failure back-off must satisfy 0 <= initial <= max");
        }
        this.connection = connection;
        this.fetcher = fetcher;
        this.clock = clock;
        this.refreshAhead = refreshAhead;
        this.safetyMargin = safetyMargin;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    /** A usable token: at once from the cache, or the outcome of the (single) request in flight. */
    public Future<AccessToken> token() {
        while (true) {
            State s = state.get();
            Instant now = clock.instant();
            if (s.current != null && now.isBefore(s.current.usableUntil())) {
                if (!now.isBefore(s.current.refreshAt()) && s.inFlight == null && !s.inBackoff(now)) {
                    startFetch(s); // background refresh; a lost race means someone else started it
                }
                return s.currentFuture;
            }
            if (s.inFlight != null) {
                return s.inFlight;
            }
            if (s.inBackoff(now)) {
                return Future.failedFuture(s.lastError);
            }
            Future<AccessToken> started = startFetch(s);
            if (started != null) {
                return started;
            }
        }
    }

    /**
     * Business Central refused {@code rejected}: drop it and get a fresh token, unless another caller already did.
     * Concurrent callers that saw the same 401 share one token request.
     */
    public Future<AccessToken> tokenAfterRejection(AccessToken rejected) {
        while (true) {
            State s = state.get();
            if (s.current != rejected) {
                return token();
            }
            State dropped = new State(null, null, s.inFlight, s.lastError, s.retryAt, s.failures);
            if (state.compareAndSet(s, dropped)) {
                return token();
            }
        }
    }

    /**
     * What health checks and status pages may know, from the cached state alone (no token request): whether a
     * usable token is held, until when, and the last failure if the latest request failed.
     *
     * @param usable a token is held and may still be sent
     * @param expiresAt the held token's expiry, or null
     * @param lastFailure the message of the failure since the last success (never a secret), or null
     */
    public record Status(boolean usable, Instant expiresAt, String lastFailure) {
    }

    public Status status() {
        State s = state.get();
        Instant now = clock.instant();
        boolean usable = s.current != null && now.isBefore(s.current.usableUntil());
        return new Status(usable, s.current == null ? null : s.current.expiresAt(),
                s.lastError == null ? null : s.lastError.getMessage());
    }

    /**
     * The negative cache, for the status page: consecutive failed token requests and until when no new one is
     * made ({@code retryAt} null when there is no back-off).
     */
    public record Backoff(int failures, Instant retryAt) {
    }

    public Backoff backoff() {
        State s = state.get();
        return new Backoff(s.failures, s.inBackoff(clock.instant()) ? s.retryAt : null);
    }

    /**
     * Starts a token request if none is held, none is in flight and the failure back-off has run out; never
     * more often than {@link #token()} would. Lets a readiness probe recover after a fix without caller traffic.
     */
    public void refreshIfIdle() {
        State s = state.get();
        Instant now = clock.instant();
        boolean usable = s.current != null && now.isBefore(s.current.usableUntil());
        if (!usable && s.inFlight == null && !s.inBackoff(now)) {
            token();
        }
    }

    /** Starts a token request if {@code expected} is still the state; returns its future, or null on a lost race. */
    private Future<AccessToken> startFetch(State expected) {
        Promise<AccessToken> promise = Promise.promise();
        Future<AccessToken> inFlight = promise.future();
        State fetching = new State(expected.current, expected.currentFuture, inFlight, expected.lastError,
                expected.retryAt, expected.failures);
        if (!state.compareAndSet(expected, fetching)) {
            return null;
        }
        Future<TokenFetcher.Fetched> request;
        try {
            request = fetcher.fetch();
        } catch (RuntimeException e) {
            request = Future.failedFuture(e);
        }
        request.onComplete(ar -> {
            if (ar.succeeded()) {
                AccessToken token = AccessToken.of(ar.result().value(), clock.instant(), ar.result().lifetime(),
                        refreshAhead, safetyMargin);
                settle(inFlight, s -> new State(token, Future.succeededFuture(token), null, null, null, 0));
                if (expected.failures > 0) {
                    LOG.infof("Connection '%s': token request succeeded again after %d failure(s)", connection,
                            expected.failures);
                }
                promise.complete(token);
            } else {
                TokenException error = asTokenException(ar.cause());
                State after = settle(inFlight, s -> {
                    int failures = s.failures + 1;
                    return new State(s.current, s.currentFuture, null, error, clock.instant().plus(backoff(failures)),
                            failures);
                });
                if (after.failures == 1) {
                    LOG.warnf("Connection '%s': %s", connection, error.getMessage());
                }
                promise.fail(error);
            }
        });
        return inFlight;
    }

    /** Applies the outcome of the request {@code inFlight} unless the state has moved on without it. */
    private State settle(Future<AccessToken> inFlight, java.util.function.UnaryOperator<State> outcome) {
        return state.updateAndGet(s -> s.inFlight == inFlight ? outcome.apply(s) : s);
    }

    Duration backoff(int failures) {
        Duration d = backoffInitial;
        for (int i = 1; i < failures && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }

    private static TokenException asTokenException(Throwable t) {
        if (t instanceof TokenException te) {
            return te;
        }
        return new TokenException(TokenException.Kind.UNAVAILABLE, 0, null, null,
                "token request failed: " + t.getClass().getSimpleName());
    }

    /** Immutable snapshot; every change is a compare-and-set of a whole new snapshot. */
    private record State(AccessToken current, Future<AccessToken> currentFuture, Future<AccessToken> inFlight,
            TokenException lastError, Instant retryAt, int failures) {

        static final State EMPTY = new State(null, null, null, null, null, 0);

        boolean inBackoff(Instant now) {
            return retryAt != null && now.isBefore(retryAt);
        }
    }
}
