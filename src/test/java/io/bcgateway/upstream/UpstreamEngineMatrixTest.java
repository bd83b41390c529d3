package io.bcgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.BcEndpoint;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Principal;
import io.bcgateway.metrics.GatewayMetrics;
import io.bcgateway.resilience.Backoff;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.RetryGate;
import io.bcgateway.resilience.UpstreamBreaker;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.MutableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.bcgateway.throttle.Admission;
import io.bcgateway.token.OidcTokenFetcher;
import io.bcgateway.token.TokenException;
import io.bcgateway.token.TokenSource;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;

/**
 * The attempt engine's one test matrix: every case runs against both body strategies ({@link Delivery#STREAMED},
 * as the pass-through uses it, and {@link Delivery#BUFFERED}, as the fan-out does), against the real simulator on
 * loopback (its fault-injection control API), with a fake clock and timers wherever time matters. Each case asserts
 * what BC saw (its request log, in order), how many token requests Entra ID saw, what the caller got, and how many
 * requests the principal's window counts.
 *
 * <p>A {@link LoopbackFront} sits between the engine and the simulator for the transport faults (a refused port, an
 * answer lost after BC received the request) and for a throttling 503 (the simulator's 503s carry no throttling
 * code).
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class UpstreamEngineMatrixTest {

    private static final String CLIENT_ID = "00000000-0000-4000-8000-0000000e7a1e";
    private static final String SECRET = "secret-of-the-engine-matrix";
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();
    private static boolean registered;
    private static String companyId;

    @InjectSimulator
    SimulatorClient sim;

    @Inject
    Vertx vertx;

    @Inject
    OidcClients oidcClients;

    @Inject
    GatewayMetrics metrics;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T01:00:00Z"));
    private final CountingTimers timers = new CountingTimers(clock);
    private LoopbackFront front;
    private HttpClient http;
    private Admission admission;
    private RetryBudget budget;
    private Connection connection;
    private UpstreamEngine engine;
    private Context context;

    @BeforeEach
    void setUp() throws Exception {
        if (!registered) {
            sim.registerApp(CLIENT_ID, SECRET);
            registered = true;
        }
        sim.restoreDefaults();
        URI base = URI.create(sim.baseUrl());
        front = new LoopbackFront(vertx, base.getHost(), base.getPort());
        front.listen(0);
        if (companyId == null) {
            companyId = firstCompanyId(base);
        }
        context = vertx.getOrCreateContext();
        connect(new RetryBudget(0.2, 10, Duration.ofSeconds(10), clock));
        sim.resetRequestLog();
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.restoreDefaults();
        http.close();
        front.close();
    }

    // ---- the matrix ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void a429WithRetryAfterPausesThePrincipalThenReplaysEvenAPost(Delivery delivery) throws Exception {
        sim.updateSettings(new JsonObject().put("retryAfterOn429", 2));
        sim.forceFaults(429, 1);
        int tokens = tokenRequests();

        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.POST, customers(), customer("m429"));
        timers.awaitScheduled(2); // the admission's wake-up at the end of the pause, and its deadline
        timers.advance(Duration.ofMillis(1999));
        assertEquals(List.of(429), bcStatuses(), "nothing is sent while BC's Retry-After runs");
        timers.advance(Duration.ofMillis(1));

        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(201, o.status(), o::toString);
        assertEquals(List.of(429, 201), bcStatuses(), "BC did not execute the 429, so the POST is replayed once");
        assertEquals(1, tokenRequests() - tokens);
        assertEquals(2, admission.sentInWindow());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aThrottling503IsReplayedAfterItsRetryAfterEvenForAPost(Delivery delivery) throws Exception {
        String error = "{\"error\":{\"code\":\"Application_TooManyRequests\",\"message\":\"The request waited in "
                + "the queue too long and was not executed.\"}}";
        front.cannedAnswers(1, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                + "Retry-After: 3\r\nConnection: close\r\nContent-Length: " + error.length() + "\r\n\r\n" + error);
        int tokens = tokenRequests();

        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.POST, customers(), customer("m503"));
        timers.awaitScheduled(2);
        timers.advance(Duration.ofMillis(2999));
        assertEquals(List.of(), bcStatuses());
        timers.advance(Duration.ofMillis(1));

        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(201, o.status(), o::toString);
        assertEquals(List.of(201), bcStatuses(), "the 503 came from BC's queue: the POST ran once, after it");
        assertEquals(2, front.connections());
        assertEquals(1, tokenRequests() - tokens);
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void a5xxIsRetriedAfterBackOffForAnIdempotentRequest(Delivery delivery) throws Exception {
        sim.forceFaults(500, 1);

        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.GET, companies(), null);
        timers.awaitScheduled(1); // the back-off: exactly the first step (100 ms, jitter at its maximum)
        timers.advance(Duration.ofMillis(99));
        assertEquals(List.of(500), bcStatuses());
        timers.advance(Duration.ofMillis(1));

        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(200, o.status(), o::toString);
        assertTrue(o.body().contains("\"value\""), o::toString);
        assertEquals(List.of(500, 200), bcStatuses());
        assertEquals(1, timers.scheduled());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void a5xxIsNeverReplayedForAPost(Delivery delivery) throws Exception {
        sim.forceFaults(500, 1);

        Outcome o = call(delivery, HttpMethod.POST, customers(), customer("m500")).get(10, TimeUnit.SECONDS);

        assertEquals(500, o.status(), o::toString);
        assertTrue(o.body().contains("Internal_ServerError"), "BC's own answer is relayed: " + o);
        assertEquals(List.of(500), bcStatuses());
        assertEquals(0, timers.scheduled());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aConnectionRefusedBeforeTheRequestWasSentIsReplayedEvenForAPost(Delivery delivery) throws Exception {
        front.stopListening();

        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.POST, customers(), customer("refused"));
        timers.awaitScheduled(1);
        assertEquals(0, admission.sentInWindow(), "the refused attempt never reached BC");
        front.listen(front.port());
        timers.advance(Duration.ofMillis(100));

        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(201, o.status(), o::toString);
        assertEquals(List.of(201), bcStatuses());
        assertEquals(1, admission.sentInWindow());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anAnswerLostAfterThePostWasSentIsNotReplayed(Delivery delivery) throws Exception {
        front.dropAnswers(1);

        Outcome o = call(delivery, HttpMethod.POST, customers(), customer("lost")).get(10, TimeUnit.SECONDS);

        assertNull(o.status(), o::toString);
        assertTrue(o.failure() != null && !(o.failure() instanceof UpstreamCall.CancelledException), o::toString);
        assertEquals(List.of(201), bcStatuses(), "BC executed the POST once; it must not run twice");
        assertEquals(0, timers.scheduled());
        assertEquals(1, admission.sentInWindow());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anAnswerLostAfterAGetWasSentIsReplayed(Delivery delivery) throws Exception {
        front.dropAnswers(1);

        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.GET, companies(), null);
        timers.awaitScheduled(1);
        timers.advance(Duration.ofMillis(100));

        Outcome o = outcome.get(10, TimeUnit.SECONDS);
        assertEquals(200, o.status(), o::toString);
        assertEquals(List.of(200, 200), bcStatuses());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void a401IsReplayedOnceWithAFreshToken(Delivery delivery) throws Exception {
        int tokens = tokenRequests();
        assertEquals(200, call(delivery, HttpMethod.GET, companies(), null).get(10, TimeUnit.SECONDS).status());
        sim.revokeIssuedTokens();

        Outcome o = call(delivery, HttpMethod.GET, companies(), null).get(10, TimeUnit.SECONDS);

        assertEquals(200, o.status(), o::toString);
        assertEquals(List.of(200, 401, 200), bcStatuses());
        assertEquals(2, tokenRequests() - tokens, "one token, then one fresh token after the 401");
        assertEquals(0, timers.scheduled(), "a replay after a 401 does not wait");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anOpenCircuitSendsNothingAndDoesNotCountInTheWindow(Delivery delivery) throws Exception {
        sim.forceFaults(500, 2);
        assertEquals(500, call(delivery, HttpMethod.POST, customers(), customer("b1")).get(10, TimeUnit.SECONDS)
                .status());
        assertEquals(500, call(delivery, HttpMethod.POST, customers(), customer("b2")).get(10, TimeUnit.SECONDS)
                .status());

        Outcome o = call(delivery, HttpMethod.GET, companies(), null).get(10, TimeUnit.SECONDS);

        assertInstanceOf(CircuitBreakerOpenException.class, o.failure(), o::toString);
        assertEquals(List.of(500, 500), bcStatuses());
        assertEquals(2, admission.sentInWindow(), "the request that met the open circuit never reached BC");
        assertEquals(0, admission.running());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void theTokenEndpointDownFailsWithoutReachingBcOrCountingInTheWindow(Delivery delivery) throws Exception {
        sim.updateSettings(new JsonObject().put("tokenEndpointMode", "down"));
        int tokens = tokenRequests();

        Outcome o = call(delivery, HttpMethod.GET, companies(), null).get(20, TimeUnit.SECONDS);

        TokenException e = assertInstanceOf(TokenException.class, o.failure(), o::toString);
        assertEquals(TokenException.Kind.UNAVAILABLE, e.kind());
        assertEquals(List.of(), bcStatuses());
        assertEquals(1, tokenRequests() - tokens, "one token request; its failure is remembered (back-off)");
        assertEquals(0, admission.sentInWindow());
        assertEquals(0, admission.running());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aSpentRetryBudgetRelaysBcsAnswerInsteadOfRetrying(Delivery delivery) throws Exception {
        http.close();
        connect(new RetryBudget(0, 0, Duration.ofSeconds(10), clock));
        sim.forceFaults(500, 1);

        Outcome o = call(delivery, HttpMethod.GET, companies(), null).get(10, TimeUnit.SECONDS);

        assertEquals(500, o.status(), o::toString);
        assertEquals(List.of(500), bcStatuses());
        assertEquals(1, budget.denied());
        assertEquals(0, timers.scheduled());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aCallerWhoLeftWhileQueuedNeitherReachesBcNorCountsInTheWindow(Delivery delivery) throws Exception {
        admission.pauseUntil(clock.instant().plus(Duration.ofSeconds(5)));
        CompletableFuture<UpstreamCall> started = new CompletableFuture<>();
        CompletableFuture<Outcome> outcome = call(delivery, HttpMethod.GET, companies(), null, started);
        UpstreamCall queued = started.get(10, TimeUnit.SECONDS);
        assertEquals(1, admission.queued());

        context.runOnContext(v -> queued.cancel());
        timers.advance(Duration.ofSeconds(5)); // the pause ends: the slot goes to a call nobody waits for any more
        awaitEventLoop();

        assertEquals(0, admission.running());
        assertEquals(0, admission.sentInWindow());
        assertEquals(List.of(), bcStatuses());
        assertTrue(!outcome.isDone(), "a cancelled call tells its exchange nothing more");
    }

    // ---- the engine's surroundings, built as Connections builds them ---------------------------------------------

    private void connect(RetryBudget retryBudget) {
        String name = "matrix" + CONNECTIONS.incrementAndGet();
        BcEndpoint endpoint = BcEndpoint.of("http://127.0.0.1:" + front.port(), Optional.of("production"));
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(front.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(10));
        TokenSource tokens = new TokenSource(name, new OidcTokenFetcher(oidcClient(name), Duration.ofSeconds(5)),
                clock, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(30));
        admission = new Admission(name, 5, 100, Duration.ofMinutes(5), 10, clock, timers);
        budget = retryBudget;
        Principal principal = new Principal(CLIENT_ID, tokens, admission);
        UpstreamBreaker breaker = new UpstreamBreaker(name, new Breaker(true, 2, 1.0, Duration.ofSeconds(30), 1));
        connection = new Connection(name, endpoint, http, List.of(principal), budget, breaker,
                metrics.forConnection(name, List.of(principal), List.of(name), budget, breaker));
        RetryGate gate = new RetryGate(new Retry(3, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(60), 0.2, 10, Duration.ofSeconds(10)), clock);
        // Jitter at its maximum: every back-off is exactly its step (100 ms, 200 ms, ...).
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), bound -> bound - 1);
        engine = new UpstreamEngine(gate, backoff, clock, timers, Duration.ofSeconds(5));
    }

    private OidcClient oidcClient(String name) {
        URI tokenUrl = URI.create(sim.tokenUrl());
        var config = new OidcClientConfigBuilder()
                .id("bc-" + name)
                .authServerUrl(tokenUrl.getScheme() + "://" + tokenUrl.getRawAuthority())
                .discoveryEnabled(false)
                .tokenPath(sim.tokenUrl())
                .clientId(CLIENT_ID)
                .credentials().clientSecret(SECRET, Method.POST).end()
                .scopes("https://api.businesscentral.dynamics.com/.default")
                .connectionRetryCount(1)
                .connectionTimeout(Duration.ofSeconds(2))
                .build();
        return oidcClients.newClient(config).await().atMost(Duration.ofSeconds(30));
    }

    /** Starts one call on the engine's event loop; the outcome is what the caller got. */
    private CompletableFuture<Outcome> call(Delivery delivery, HttpMethod method, String uri, String json) {
        return call(delivery, method, uri, json, new CompletableFuture<>());
    }

    private CompletableFuture<Outcome> call(Delivery delivery, HttpMethod method, String uri, String json,
            CompletableFuture<UpstreamCall> started) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Body body = json == null ? Body.NONE : Body.of(Buffer.buffer(json), true);
        Instant deadline = clock.instant().plus(Duration.ofSeconds(30));
        context.runOnContext(v -> {
            UpstreamCall call = engine.call(context, connection, new Caller(method, uri, json != null, outcome), body,
                    delivery, deadline);
            call.start();
            started.complete(call);
        });
        return outcome;
    }

    private String companies() {
        return connection.endpoint().upstreamUri("api/v2.0/companies", null);
    }

    private String customers() {
        return connection.endpoint().upstreamUri("api/v2.0/companies(" + companyId + ")/customers", null);
    }

    private static String customer(String name) {
        return new JsonObject().put("displayName", "Engine " + name + " " + CONNECTIONS.get()).encode();
    }

    /** Returns once the event loop has run everything queued on it before (the admission's hand-over). */
    private void awaitEventLoop() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> done.complete(null));
        done.get(10, TimeUnit.SECONDS);
    }

    /** The statuses BC answered since the test began, in order. */
    private List<Integer> bcStatuses() {
        return sim.bcRequests().stream().map(e -> e.getInteger("status")).toList();
    }

    private int tokenRequests() {
        return sim.tokenRequests(CLIENT_ID);
    }

    private String firstCompanyId(URI base) throws Exception {
        String token = sim.clientCredentialsToken(CLIENT_ID, SECRET, "https://api.businesscentral.dynamics.com/.default");
        String path = BcEndpoint.of(sim.baseUrl(), Optional.of("production")).upstreamUri("api/v2.0/companies", null);
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.resolve(path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getJsonArray("value").getJsonObject(0).getString("id");
    }

    // ---- the caller's side ------------------------------------------------------------------------------------------

    /** What the caller got: BC's status and body, or the failure the gateway would turn into a problem. */
    record Outcome(Integer status, String body, Throwable failure) {
    }

    /** A caller as the pass-through and the fan-out are: it relays a streamed answer, takes a buffered one whole. */
    private static final class Caller implements UpstreamExchange {
        private final HttpMethod method;
        private final String uri;
        private final boolean json;
        private final CompletableFuture<Outcome> outcome;
        private final Buffer relayed = Buffer.buffer();
        private int status;

        Caller(HttpMethod method, String uri, boolean json, CompletableFuture<Outcome> outcome) {
            this.method = method;
            this.uri = uri;
            this.json = json;
            this.outcome = outcome;
        }

        @Override
        public HttpMethod method() {
            return method;
        }

        @Override
        public String uri() {
            return uri;
        }

        @Override
        public String ifMatch() {
            return null;
        }

        @Override
        public void prepare(HttpClientRequest upstream) {
            if (json) {
                upstream.putHeader("Content-Type", "application/json");
            }
        }

        @Override
        public void onAnswer(UpstreamCall call, UpstreamAnswer answer) {
            if (answer.body() != null) {
                outcome.complete(new Outcome(answer.status(), answer.body().toString(), null));
                return;
            }
            status = answer.status();
            call.relay(new Collector(relayed));
        }

        @Override
        public void onRelayEnded(boolean complete) {
            outcome.complete(complete ? new Outcome(status, relayed.toString(), null)
                    : new Outcome(null, null, new IllegalStateException("the relay broke off")));
        }

        @Override
        public void onFailure(Throwable failure) {
            outcome.complete(new Outcome(null, null, failure));
        }
    }

    /** The caller's end of a streamed answer. */
    private record Collector(Buffer into) implements WriteStream<Buffer> {
        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            into.appendBuffer(data);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            into.appendBuffer(data);
            handler.handle(Future.succeededFuture());
        }

        @Override
        public Future<Void> end() {
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            handler.handle(Future.succeededFuture());
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }

    private record Retry(int maxAttempts, Duration backoffBase, Duration backoffMax, Duration maxRetryAfter,
            double budgetRatio, int budgetMinRetries, Duration budgetWindow) implements ThrottleConfig.Retry {
    }

    private record Breaker(boolean enabled, int requestVolumeThreshold, double failureRatio, Duration delay,
            int successThreshold) implements ThrottleConfig.Breaker {
    }
}
