package io.bcgateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.bcgateway.config.ConfigRefusal;
import io.bcgateway.config.CallerAuthConfig;
import io.bcgateway.config.GatewayConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;

/**
 * The configured callers, checked once at start-up: a configuration that would let the wrong callers in (no
 * authentication on a public address, a clear-text key, JWT validation without an audience) stops the gateway with
 * a message that says what to change.
 */
@Startup
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class CallerRegistry {

    static final String NONE = "none";
    static final String API_KEY = "api-key";
    static final String JWT = "jwt";
    static final String MTLS = "mtls";
    private static final Pattern HASH = Pattern.compile("sha256:([0-9a-fA-F]{64})");

    private final boolean open;
    private final boolean apiKeys;
    private final boolean jwt;
    private final boolean mtls;
    private final String apiKeyHeader;
    /** Hex SHA-256 of a key → its caller. */
    private final Map<String, Caller> byKeyHash = new java.util.HashMap<>();
    /** Hex SHA-256 of a client certificate's DER encoding → its caller. */
    private final Map<String, Caller> byCertificate = new java.util.HashMap<>();
    /** Name order, so that the first matching caller of a token is always the same one. */
    private final Map<String, CallerAuthConfig.Caller> tokenCallers = new TreeMap<>();
    private final Map<String, Caller> callers = new TreeMap<>();

    /**
     * @param tokenValidators quarkus-oidc's bearer-token validation; none in a gateway built without it
     *        ({@code -Dquarkus.oidc.enabled=false}, the image's {@code --build-arg CALLER_JWT=false}), which then
     *        refuses the jwt mode at start instead of refusing every token
     */
    @Inject
    public CallerRegistry(CallerAuthConfig config, GatewayConfig gateway, Config quarkus, Clock clock,
            Instance<IdentityProvider<TokenAuthenticationRequest>> tokenValidators) {
        this(config, gateway.connections().keySet(), quarkus, clock, !tokenValidators.isUnsatisfied());
    }

    CallerRegistry(CallerAuthConfig config, Set<String> configuredConnections, Config quarkus, Clock clock,
            boolean jwtBuiltIn) {
        Set<String> modes = new LinkedHashSet<>();
        config.modes().forEach(m -> modes.add(m.strip().toLowerCase(Locale.ROOT)));
        for (String mode : modes) {
            if (!Set.of(NONE, API_KEY, JWT, MTLS).contains(mode)) {
                throw ConfigRefusal.fromMessage("gateway.caller-auth.modes: unknown mode '" + mode
                        + "'; use none, or any of api-key, jwt and mtls");
            }
        }
        if (modes.contains(NONE) && modes.size() > 1) {
            throw ConfigRefusal.fromMessage("gateway.caller-auth.modes: 'none' cannot be combined with " + modes);
        }
        this.open = modes.contains(NONE);
        this.apiKeys = modes.contains(API_KEY);
        this.jwt = modes.contains(JWT);
        this.mtls = modes.contains(MTLS);
        this.apiKeyHeader = config.apiKeyHeader();
        if (open) {
            String host = quarkus.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
            if (!isLoopback(host)) {
                throw ConfigRefusal.fromMessage("gateway.caller-auth.modes=none lets anyone who can reach the gateway "
                        + "act as its Business Central app registrations, so it is only allowed when the gateway listens "
                        + "on loopback; it is configured to listen on '" + host + "'. For a sidecar set "
                        + "quarkus.http.host=127.0.0.1 (QUARKUS_HTTP_HOST); otherwise configure callers with "
                        + "gateway.caller-auth.modes=api-key or jwt (see README, Security model).");
            }
            return;
        }
        if (jwt) {
            if (!jwtBuiltIn) {
                throw ConfigRefusal.fromMessage("gateway.caller-auth.modes includes jwt, but this gateway was built "
                        + "without bearer-token validation (-Dquarkus.oidc.enabled=false, the image's --build-arg "
                        + "CALLER_JWT=false): use an image built with it, or the api-key or mtls mode");
            }
            requireJwtValidation(quarkus);
        }
        if (mtls) {
            String clientAuth = quarkus.getOptionalValue("quarkus.http.ssl.client-auth", String.class).orElse("none");
            if (clientAuth.equalsIgnoreCase("none")) {
                throw ConfigRefusal.fromMessage("gateway.caller-auth.modes includes mtls: configure the HTTPS listener "
                        + "(quarkus.http.ssl.certificate.*) and set quarkus.http.ssl.client-auth=request or required");
            }
        }
        Set<String> connectionNames = new LinkedHashSet<>();
        configuredConnections.forEach(n -> connectionNames.add(n.toLowerCase(Locale.ROOT)));
        for (Map.Entry<String, CallerAuthConfig.Caller> e : config.callers().entrySet()) {
            String name = e.getKey();
            CallerAuthConfig.Caller c = e.getValue();
            Caller caller = new Caller(name, policy(name, c, connectionNames, clock));
            callers.put(name, caller);
            boolean identified = false;
            for (String hash : c.apiKeyHashes().orElse(List.of())) {
                var m = HASH.matcher(hash.strip());
                if (!m.matches()) {
                    // Never echo the value: it may be a key pasted in clear.
                    throw ConfigRefusal.fromMessage("gateway.caller-auth.callers." + name + ".api-key-hashes: every "
                            + "entry must be sha256:<64 hex digits> (the hash of the key, never the key itself)");
                }
                Caller previous = byKeyHash.put(m.group(1).toLowerCase(Locale.ROOT), caller);
                if (previous != null) {
                    throw ConfigRefusal.fromMessage("callers '" + previous.name() + "' and '" + name
                            + "' share an API key hash; each key must identify one caller");
                }
                identified |= apiKeys;
            }
            for (String thumbprint : c.certificateThumbprints().orElse(List.of())) {
                String hex = thumbprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw ConfigRefusal.fromMessage("gateway.caller-auth.callers." + name + ".certificate-thumbprints: "
                            + "every entry must be a SHA-256 thumbprint (64 hex digits, colons allowed)");
                }
                Caller previous = byCertificate.put(hex, caller);
                if (previous != null) {
                    throw ConfigRefusal.fromMessage("callers '" + previous.name() + "' and '" + name
                            + "' share a certificate thumbprint");
                }
                identified |= mtls;
            }
            if (c.clientIds().isPresent() || c.roles().isPresent()) {
                tokenCallers.put(name, c);
                identified |= jwt;
            }
            if (!identified) {
                throw ConfigRefusal.fromMessage("gateway.caller-auth.callers." + name + " has no identity for the modes "
                        + modes + ": give it api-key-hashes (api-key), client-ids / roles (jwt) or "
                        + "certificate-thumbprints (mtls)");
            }
        }
        if (callers.isEmpty()) {
            throw ConfigRefusal.fromMessage("gateway.caller-auth.modes=" + String.join(",", modes) + " but no caller is "
                    + "configured (gateway.caller-auth.callers.<name>.*): nobody could use the gateway");
        }
    }

    private static CallerPolicy policy(String name, CallerAuthConfig.Caller c, Set<String> connectionNames,
            Clock clock) {
        String prefix = "gateway.caller-auth.callers." + name + ".";
        for (String connection : c.connections()) {
            String n = connection.strip().toLowerCase(Locale.ROOT);
            if (!n.equals("*") && !connectionNames.contains(n)) {
                throw ConfigRefusal.fromMessage(prefix + "connections names '" + connection.strip()
                        + "', which is not a configured connection");
            }
        }
        Set<String> methods = new LinkedHashSet<>();
        for (String method : c.methods()) {
            String m = method.strip().toUpperCase(Locale.ROOT);
            if (m.equals("*")) {
                methods.addAll(CallerPolicy.ALL_METHODS);
            } else if (CallerPolicy.ALL_METHODS.contains(m)) {
                methods.add(m);
            } else {
                throw ConfigRefusal.fromMessage(prefix + "methods: '" + m + "' is not one of "
                        + CallerPolicy.ALL_METHODS);
            }
        }
        List<PathPattern> paths = new ArrayList<>();
        for (String p : c.paths()) {
            try {
                paths.add(PathPattern.compile(p));
            } catch (IllegalArgumentException e) {
                throw ConfigRefusal.fromMessage(prefix + "paths: " + e.getMessage());
            }
        }
        CallerRateLimiter limiter = null;
        if (c.rateLimit().isPresent()) {
            limiter = CallerRateLimiter.parse(c.rateLimit().get(), clock);
            if (limiter == null) {
                throw ConfigRefusal.fromMessage(prefix + "rate-limit must look like 600/1m, 20/1s or 5/500ms");
            }
        }
        List<String> connections = c.connections().stream().map(String::strip).toList();
        return new CallerPolicy(name, Set.copyOf(connections), methods, paths, limiter);
    }

    private static void requireJwtValidation(Config quarkus) {
        boolean enabled = quarkus.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(true);
        Optional<String> server = quarkus.getOptionalValue("quarkus.oidc.auth-server-url", String.class);
        Optional<String> audience = quarkus.getOptionalValue("quarkus.oidc.token.audience", String.class);
        if (!enabled || server.isEmpty()) {
            throw ConfigRefusal.fromMessage("gateway.caller-auth.modes includes jwt: set quarkus.oidc.tenant-enabled=true "
                    + "and quarkus.oidc.auth-server-url (e.g. https://login.microsoftonline.com/<tenant>/v2.0)");
        }
        if (audience.isEmpty()) {
            throw ConfigRefusal.fromMessage("gateway.caller-auth.modes includes jwt: set quarkus.oidc.token.audience to "
                    + "the gateway's application ID URI; without it any token of the tenant would be accepted");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean open() {
        return open;
    }

    boolean acceptsApiKeys() {
        return apiKeys;
    }

    boolean acceptsJwt() {
        return jwt;
    }

    boolean acceptsCertificates() {
        return mtls;
    }

    /** The caller whose client certificate this is (by SHA-256 thumbprint of its DER encoding), if any. */
    Optional<Caller> byCertificate(byte[] der) {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
            return Optional.ofNullable(byCertificate.get(hex));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    String apiKeyHeader() {
        return apiKeyHeader;
    }

    /** The caller whose key this is, if any. */
    Optional<Caller> byApiKey(String key) {
        return Optional.ofNullable(byKeyHash.get(sha256Hex(key)));
    }

    /** The first caller (by name) whose client ids or roles the validated token carries. */
    Optional<Caller> byToken(String clientId, Collection<String> roles) {
        for (Map.Entry<String, CallerAuthConfig.Caller> e : tokenCallers.entrySet()) {
            CallerAuthConfig.Caller c = e.getValue();
            boolean byClient = clientId != null
                    && c.clientIds().orElse(List.of()).stream().anyMatch(id -> id.strip().equalsIgnoreCase(clientId));
            boolean byRole = c.roles().orElse(List.of()).stream().anyMatch(r -> roles.contains(r.strip()));
            if (byClient || byRole) {
                return Optional.of(callers.get(e.getKey()));
            }
        }
        return Optional.empty();
    }

    static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
