package io.bcgateway.connection;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.bcgateway.cluster.ClusterQuotas;
import io.bcgateway.config.ConfigRefusal;
import io.bcgateway.config.ConnectionConfig;
import io.bcgateway.config.ConnectionEnvConfigSource;
import io.bcgateway.config.GatewayConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.metrics.GatewayMetrics;
import io.bcgateway.resilience.RetryBudget;
import io.bcgateway.resilience.UpstreamBreaker;
import io.bcgateway.throttle.VertxTimers;
import io.bcgateway.token.CertificateAssertion;
import io.bcgateway.token.ClientAssertion;
import io.bcgateway.token.FederatedTokenAssertion;
import io.bcgateway.token.OidcTokenFetcher;
import io.bcgateway.token.RotatingOidcTokenFetcher;
import io.bcgateway.token.Thumbprints;
import io.bcgateway.token.TokenEndpoint;
import io.bcgateway.token.TokenFetcher;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.common.runtime.config.OidcClientCommonConfig.Credentials.Secret.Method;
import io.quarkus.runtime.Startup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * All configured connections, built once at start-up: a bad configuration stops the gateway with a message
 * naming the connection and the key, instead of failing on the first request.
 */
@Startup
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every request paid
// (issue #15).
@Singleton
public class Connections {

    private static final Logger LOG = Logger.getLogger(Connections.class);
    /** BC's limit on connections (running + queued requests) per principal (bc-facts). */
    private static final int BC_CONNECTIONS_PER_PRINCIPAL = 100;
    private static final int MIN_POOL = 20;

    private final Map<String, Connection> byName = new TreeMap<>();

    @Inject
    public Connections(GatewayConfig config, ThrottleConfig throttle, OidcClients oidcClients, Vertx vertx,
            Clock clock, GatewayMetrics metrics, ClusterQuotas cluster) {
        for (String variable : ConnectionEnvConfigSource.ambiguousVariables(System.getenv())) {
            throw ConfigRefusal.ofVariable(variable, "the connection name between GATEWAY_CONNECTIONS_ and the key"
                    + " has '__' or starts or ends with '_'; write it with single underscores (CONTOSO_EU is"
                    + " connection contoso-eu)");
        }
        PrincipalFactory principals = new PrincipalFactory(config, throttle, oidcClients, clock, new VertxTimers(vertx),
                metrics, cluster, vertx);
        config.connections().forEach((name, c) -> {
            String badName = ConfigRefusal.connectionNameProblem(name);
            if (badName != null) {
                throw ConfigRefusal.badConnectionName(name, badName);
            }
            try {
                if (key(name).equals("connections")) {
                    throw new IllegalArgumentException("the name 'connections' is reserved for /fanout/connections/");
                }
                Connection built = build(name, c, config, throttle, principals, vertx, clock, metrics);
                if (byName.putIfAbsent(key(name), built) != null) {
                    throw new IllegalArgumentException("another connection has the same name apart from case or '_'/'-'");
                }
            } catch (IllegalArgumentException e) {
                throw ConfigRefusal.connection(name, e.getMessage());
            }
        });
        if (byName.isEmpty()) {
            LOG.warn("No Business Central connection is configured (gateway.connections.<name>.*): every /bc/ call "
                    + "will answer 404");
        } else {
            byName.values().forEach(c -> LOG.infof("Connection '%s' -> %s (token endpoint %s)", c.name(), c.endpoint(),
                    TokenEndpoint.shown(TokenEndpoint.urlOf(config.connections().get(c.name())))));
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
            PrincipalFactory factory, Vertx vertx, Clock clock, GatewayMetrics metrics) {
        BcEndpoint endpoint = BcEndpoint.of(c.baseUrl(), c.environment());
        Credential credential = Credential.of(c, System::getenv);
        String tokenUrl = TokenEndpoint.urlOf(c);
        List<Principal> principals = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        labels.add(name);
        principals.add(factory.principal(name, c, tokenUrl, name, c.clientId(), credential));
        c.pool().forEach((id, member) -> {
            labels.add(name + "/" + id);
            principals.add(factory.principal(name, c, tokenUrl, name + "/" + id, member.clientId(),
                    new Credential.Secret(member.clientSecret())));
        });
        ThrottleConfig.Retry retry = throttle.retry();
        RetryBudget budget = new RetryBudget(retry.budgetRatio(), retry.budgetMinRetries(), retry.budgetWindow(),
                clock);
        UpstreamBreaker breaker = new UpstreamBreaker(name, throttle.circuitBreaker());
        int slots = Math.min(BC_CONNECTIONS_PER_PRINCIPAL, c.limits().maxRunning().orElse(throttle.maxRunning()));
        // Twice the running slots: a finished request's connection is recycled a moment after its slot is given
        // back, and the next admitted request should not wait for it (a pool of exactly the slots let only 35-88
        // of ThrottlingTest's 200 callers through in 3 s instead of 98-100). Never below the former fixed 20.
        int poolSize = config.upstream().maxPoolSize().orElse(Math.max(MIN_POOL, 2 * slots * principals.size()));
        return new Connection(name, endpoint, httpClient(vertx, endpoint, c, config.upstream(), poolSize), principals,
                budget, breaker, metrics.forConnection(name, principals, labels, budget, breaker));
    }

    /**
     * The token request of one app registration, by credential kind. A secret goes into the OIDC client's own
     * configuration; a secret file gets a client rebuilt whenever the file changes; certificates and federated
     * tokens get a client without credentials and a fresh {@code client_assertion} per request.
     */
    static TokenFetcher fetcher(String label, ConnectionConfig c, String clientId, Credential credential,
            String tokenUrl, GatewayConfig config, OidcClients oidcClients, Clock clock, FileSystem files) {
        Duration timeout = config.token().requestTimeout();
        if (credential instanceof Credential.Secret secret) {
            return new OidcTokenFetcher(oidcClient(label, c, clientId, Optional.of(secret.value()), tokenUrl, config,
                    oidcClients), timeout);
        }
        if (credential instanceof Credential.SecretFile file) {
            String initial = RotatingOidcTokenFetcher.readSecret(file.file());
            AtomicInteger generation = new AtomicInteger();
            OidcClient first = oidcClient(label, c, clientId, Optional.of(initial), tokenUrl, config, oidcClients);
            return new RotatingOidcTokenFetcher(label, file.file(), initial, first, rotated -> {
                var oidcConfig = oidcClientConfig(label + "-" + generation.incrementAndGet(), c, clientId,
                        Optional.of(rotated), tokenUrl, config);
                return Future.fromCompletionStage(oidcClients.newClient(oidcConfig.build()).subscribeAsCompletionStage());
            }, timeout, files);
        }
        OidcClient withoutCredentials = oidcClient(label, c, clientId, Optional.empty(), tokenUrl, config,
                oidcClients);
        ClientAssertion assertion;
        if (credential instanceof Credential.Certificate cert) {
            String x5t = cert.thumbprint().map(Thumbprints::x5tFromHex)
                    .orElseGet(() -> Thumbprints.x5tOfCertificateFile(cert.certFile().orElseThrow()));
            assertion = new CertificateAssertion(CertificateAssertion.readPrivateKey(cert.keyFile()), x5t, clientId,
                    tokenUrl, clock);
        } else {
            Path file = ((Credential.FederatedToken) credential).file();
            if (!Files.isReadable(file)) {
                // Not fatal: the webhook's projected token may appear after the container starts.
                LOG.warnf("Connection '%s': federated-token-file %s is not readable yet", label, file);
            }
            assertion = new FederatedTokenAssertion(file, files);
        }
        return new OidcTokenFetcher(withoutCredentials, timeout, assertion);
    }

    /** One named OIDC client per app registration: client-credentials grant, discovery off. */
    private static OidcClient oidcClient(String name, ConnectionConfig c, String clientId, Optional<String> secret,
            String tokenUrl, GatewayConfig config, OidcClients oidcClients) {
        return oidcClients.newClient(oidcClientConfig(name, c, clientId, secret, tokenUrl, config).build()).await()
                .atMost(Duration.ofSeconds(30));
    }

    /**
     * The OIDC client's configuration (a builder: its built form is a quarkus-oidc-client runtime type); with a secret, it is sent in the form ({@code client_secret_post});
     * without one, the client sends only {@code client_id} and the caller adds a client assertion.
     */
    private static OidcClientConfigBuilder oidcClientConfig(String name, ConnectionConfig c, String clientId,
            Optional<String> secret, String tokenUrl, GatewayConfig config) {
        URI uri = URI.create(tokenUrl);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("token-url is not an absolute URL");
        }
        if ("http".equalsIgnoreCase(uri.getScheme()) && !BcEndpoint.isLoopback(uri.getHost())) {
            throw new IllegalArgumentException("token-url uses plain http for a non-loopback host; use https");
        }
        var builder = new OidcClientConfigBuilder()
                .id("bc-" + name.replace('/', '-'))
                .authServerUrl(uri.getScheme() + "://" + uri.getRawAuthority())
                .discoveryEnabled(false)
                .tokenPath(tokenUrl)
                .clientId(clientId);
        secret.ifPresent(s -> builder.credentials().clientSecret(s, Method.POST).end());
        return builder
                .scopes(c.scope())
                // Further retries are the gateway's decision (back-off and a failure memory); the client's minimum
                // is one retry, and only of a connection that could not be opened (nothing reached Entra ID).
                .connectionRetryCount(1)
                .connectionTimeout(config.upstream().connectTimeout());
    }

    /** Largest piece of an upstream body handed on at once (Netty reads at most 64 KiB per read anyway). */
    static final int UPSTREAM_MAX_CHUNK_BYTES = 64 * 1024;

    private static HttpClient httpClient(Vertx vertx, BcEndpoint endpoint, ConnectionConfig c,
            GatewayConfig.Upstream upstream, int poolSize) {
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
                // Each decoded piece of BC's answer becomes one write (and mostly one syscall) towards the caller;
                // Vert.x's default of 8 KiB cut a 17 KB page into three. Measured in docs/benchmarks.md.
                .setMaxChunkSize(UPSTREAM_MAX_CHUNK_BYTES)
                .setName("bc-" + c.tenantId());
        c.trustCaFile().ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(poolSize);
        return vertx.createHttpClient(options, pool);
    }

    @PreDestroy
    void close() {
        byName.values().forEach(c -> c.http().close());
    }
}
