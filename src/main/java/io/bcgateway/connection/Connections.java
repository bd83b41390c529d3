package io.bcgateway.connection;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.bcgateway.config.ConnectionConfig;
import io.bcgateway.config.GatewayConfig;
import io.bcgateway.config.LimitsConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.UpstreamBreaker;
import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.Timers;
import io.bcgateway.throttle.VertxTimers;
import io.bcgateway.token.OidcTokenFetcher;
import io.bcgateway.token.TokenSource;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * All configured connections, built once at start-up: a bad configuration stops the gateway with a message
 * naming the connection and the key, instead of failing on the first request.
 */
@Startup
@ApplicationScoped
public class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class);
    private static final String DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/%s/oauth2/v2.0/token";

    private final Map<String, Connection> byName = new TreeMap<>();

    @Inject
    public Connections(GatewayConfig config, ThrottleConfig throttle, OidcClients oidcClients, Vertx vertx,
            Clock clock) {
        Timers timers = new VertxTimers(vertx);
        config.connections().forEach((name, c) -> {
            try {
                if (key(name).equals("connections")) {
                    throw new IllegalArgumentException("the name 'connections' is reserved for /fanout/connections/");
                }
                Connection built = build(name, c, config, throttle, oidcClients, vertx, clock, timers);
                if (byName.putIfAbsent(key(name), built) != null) {
                    throw new IllegalArgumentException("another connection has the same name apart from case or '_'/'-'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Connection '" + name + "' (gateway.connections." + name + ".*): "
                        + e.getMessage());
            }
        });
        if (byName.isEmpty()) {
            LOG.warn("No Business Central connection is configured (gateway.connections.<name>.*): every /bc/ call "
                    + "will answer 404");
        } else {
            byName.values().forEach(c -> LOG.infof("Connection '%s' -> %s", c.name(), c.endpoint()));
        }
    }

    /**
     * The connection of that name, if configured. Names are case-insensitive and treat '_' and '-' alike, so that
     * a connection defined as {@code GATEWAY_CONNECTIONS_CONTOSO_EU_*} answers at {@code /bc/contoso-eu/}.
     */
    public Optional<Connection> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Iterable<Connection> all() {
        return byName.values();
    }

    private static Connection build(String name, ConnectionConfig c, GatewayConfig config, ThrottleConfig throttle,
            OidcClients oidcClients, Vertx vertx, Clock clock, Timers timers) {
        BcEndpoint endpoint = BcEndpoint.of(c.baseUrl(), c.environment());
        String secret = c.clientSecret().filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("client-secret is not set"));
        String tokenUrl = c.tokenUrl().orElse(DEFAULT_TOKEN_URL.formatted(c.tenantId()));
        List<Principal> principals = new ArrayList<>();
        principals.add(principal(name, name, c, c.clientId(), secret, tokenUrl, config, throttle, oidcClients, clock,
                timers));
        c.pool().forEach((id, credential) -> principals.add(principal(name, name + "/" + id, c,
                credential.clientId(), credential.clientSecret(), tokenUrl, config, throttle, oidcClients, clock,
                timers)));
        ThrottleConfig.Retry retry = throttle.retry();
        RetryBudget budget = new RetryBudget(retry.budgetRatio(), retry.budgetMinRetries(), retry.budgetWindow(),
                clock);
        return new Connection(name, endpoint, httpClient(vertx, endpoint, c, config.upstream()), principals, budget,
                new UpstreamBreaker(name, throttle.circuitBreaker()));
    }

    /** One app registration: its OIDC client and token cache, and its admission under BC's per-principal limits. */
    private static Principal principal(String connection, String label, ConnectionConfig c, String clientId,
            String secret, String tokenUrl, GatewayConfig config, ThrottleConfig throttle, OidcClients oidcClients,
            Clock clock, Timers timers) {
        OidcClient oidc = oidcClient(label, c, clientId, secret, tokenUrl, config, oidcClients);
        GatewayConfig.Token t = config.token();
        TokenSource tokens = new TokenSource(label, new OidcTokenFetcher(oidc, t.requestTimeout()), clock,
                t.refreshAhead(), t.expirySafetyMargin(), t.failureBackoffInitial(), t.failureBackoffMax());
        LimitsConfig limits = c.limits();
        Admission admission = new Admission(label, limits.maxRunning().orElse(throttle.maxRunning()),
                limits.rateLimit().orElse(throttle.rateLimit()), limits.rateWindow().orElse(throttle.rateWindow()),
                throttle.maxQueued(), clock, timers);
        return new Principal(clientId, tokens, admission);
    }

    /** One named OIDC client per connection: client-credentials grant, discovery off, secret sent in the form. */
    private static OidcClient oidcClient(String name, ConnectionConfig c, String clientId, String secret,
            String tokenUrl, GatewayConfig config, OidcClients oidcClients) {
        URI uri = URI.create(tokenUrl);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("token-url is not an absolute URL");
        }
        if ("http".equalsIgnoreCase(uri.getScheme()) && !BcEndpoint.isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("token-url uses plain http for a non-loopback host; use https");
        }
        var oidcConfig = new OidcClientConfigBuilder()
                .id("bc-" + name.replace('/', '-'))
                .authServerUrl(uri.getScheme() + "://" + uri.getRawAuthority())
                .discoveryEnabled(false)
                .tokenPath(tokenUrl)
                .clientId(clientId)
                .credentials().clientSecret(secret, Method.POST).end()
                .scopes(c.scope())
                // Further retries are the gateway's decision (back-off and a failure memory); the client's minimum
                // is one retry, and only of a connection that could not be opened (nothing reached Entra ID).
                .connectionRetryCount(1)
                .connectionTimeout(config.upstream().connectTimeout())
                .build();
        return oidcClients.newClient(oidcConfig).await().atMost(Duration.ofSeconds(30));
    }

    private static HttpClient httpClient(Vertx vertx, BcEndpoint endpoint, ConnectionConfig c,
            GatewayConfig.Upstream upstream) {
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(endpoint.host())
                .setDefaultPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setVerifyHost(true)
                .setTrustAll(false)
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setConnectTimeout((int) upstream.connectTimeout().toMillis())
                .setDecompressionSupported(false)
                .setName("bc-" + c.tenantId());
        c.trustCaFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(upstream.maxPoolSize());
        return vertx.createHttpClient(options, pool);
    }

    @PreDestroy
    void close() {
        byName.values().forEach(c -> c.http().close());
    }
}
