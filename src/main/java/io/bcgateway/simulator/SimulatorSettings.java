package io.bcgateway.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Simulator settings. Mutable at run time through {@code PUT /_sim/settings} and {@code POST /_sim/apps};
 * every field is volatile so request handlers on any event loop see the latest value.
 */
public final class SimulatorSettings {

    /** Demo tenant used by the gateway's demo configuration. Not a real tenant. */
    public static final String DEMO_TENANT_ID = "3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42";
    /** Demo client id used by the gateway's demo configuration. Not a real app registration. */
    public static final String DEMO_CLIENT_ID = "6a1e5c3b-2f47-4d8e-b1a9-0c3d5e7f9a21";
    /** Demo client secret; only valid against this simulator. */
    public static final String DEMO_CLIENT_SECRET = "demo-only-secret-not-a-real-credential";
    /** Roles a BC service-to-service app is granted (bc-facts: API.ReadWrite.All, Automation.ReadWrite.All). */
    public static final List<String> DEMO_ROLES = List.of("API.ReadWrite.All", "Automation.ReadWrite.All");

    /** BC's hard page-size ceiling (bc-facts: at most 20,000 entities a page). */
    public static final int BC_MAX_PAGE_SIZE = 20_000;

    /** Statuses a random fault ({@link #faultRate()}) picks from. */
    public static final List<Integer> DEFAULT_FAULT_STATUSES = List.of(500, 502, 503, 504);

    /** How the simulated Entra token endpoint behaves. */
    public enum TokenEndpointMode {
        /** Answers normally. */
        NORMAL,
        /** Reads the request, then closes the connection without an answer. */
        DOWN,
        /** Answers normally after {@link SimulatorSettings#tokenEndpointDelayMillis()}. */
        SLOW,
        /** Answers 429 with {@code Retry-After: 60} and AADSTS90055 (bc-facts: Entra throttles callers that do not cache tokens). */
        THROTTLED;

        public static TokenEndpointMode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenEndpointMode must be one of normal, down, slow, throttled, was '" + s + "'");
            }
        }

        public String json() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * An Entra app registration known to the simulated token endpoint, with any of its three kinds of credential:
     * a client secret, a certificate ({@code private_key_jwt}) and a federated identity credential (workload
     * identity). Unused kinds are null.
     */
    public record RegisteredApp(String tenantId, String clientId, String clientSecret, List<String> roles,
                                CertificateCredential certificate, FederatedCredential federated) {
        public RegisteredApp {
            tenantId = tenantId.toLowerCase(Locale.ROOT);
            roles = List.copyOf(roles);
        }

        /** An app with a client secret only. */
        public RegisteredApp(String tenantId, String clientId, String clientSecret, List<String> roles) {
            this(tenantId, clientId, clientSecret, roles, null, null);
        }

        /** Never print the secret, not even in debug output. */
        @Override
        public String toString() {
            return "RegisteredApp[tenantId=" + tenantId + ", clientId=" + clientId + ", roles=" + roles
                    + ", certificate=" + (certificate != null) + ", federated=" + (federated != null) + "]";
        }
    }

    /**
     * A certificate uploaded to an app registration: its public key verifies client assertions, and {@code x5t}
     * (base64url SHA-1 thumbprint) is how an assertion names it.
     */
    public record CertificateCredential(java.security.PublicKey publicKey, String x5t) { }

    /**
     * A federated identity credential: tokens of {@code issuer} for {@code subject} with audience
     * {@code api://AzureADTokenExchange}, verified with the issuer's {@code publicKey} (real Entra fetches it from
     * the issuer's JWKS).
     */
    public record FederatedCredential(String issuer, String subject, java.security.PublicKey publicKey) { }

    private volatile int tokenLifetimeSeconds = 3599;
    private volatile int companies = 3;
    private volatile int customersPerCompany = 25;
    private volatile int vendorsPerCompany = 10;
    private volatile int itemsPerCompany = 20;
    private volatile int maxPageSize = BC_MAX_PAGE_SIZE;
    private volatile long seed = 42;
    private volatile int latencyMillis = 0;
    private volatile List<String> environments = List.of("production", "sandbox");
    // Per-principal limits; defaults are BC online's figures (bc-facts "Limits").
    private volatile int rateLimitRequests = 6000;
    private volatile long rateWindowMillis = 300_000;
    private volatile int maxRunning = 5;
    private volatile int maxQueued = 95;
    private volatile long queueTimeoutMillis = 480_000;
    private volatile int retryAfterOn503Seconds = 5;
    private volatile Integer retryAfterOn429Seconds = null;
    private volatile String nextLinkOrigin;
    // Fault knobs; all off by default.
    private volatile int latencyJitterMillis = 0;
    private volatile double faultRate = 0;
    private volatile List<Integer> faultStatuses = DEFAULT_FAULT_STATUSES;
    private volatile boolean faultsAfterExecution = false;
    private volatile double resetMidBodyRate = 0;
    /** How far BC's read replica lags the primary; 0: a ReadOnly read sees every write at once. */
    private volatile long replicaLagMillis = 0;
    private volatile TokenEndpointMode tokenEndpointMode = TokenEndpointMode.NORMAL;
    private volatile int tokenEndpointDelayMillis = 5000;
    private final WebhookSettings webhooks = new WebhookSettings();
    private final Map<String, RegisteredApp> apps = new ConcurrentHashMap<>();
    private final Map<String, ExposedApi> apis = new ConcurrentHashMap<>();

    /** Settings with the defaults and the demo app registered. */
    public static SimulatorSettings defaults() {
        SimulatorSettings s = new SimulatorSettings();
        s.registerApp(new RegisteredApp(DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ROLES));
        return s;
    }

    public int tokenLifetimeSeconds() { return tokenLifetimeSeconds; }
    public SimulatorSettings tokenLifetimeSeconds(int v) { tokenLifetimeSeconds = positive("tokenLifetimeSeconds", v); return this; }

    public int companies() { return companies; }
    public SimulatorSettings companies(int v) { companies = positive("companies", v); return this; }

    public int customersPerCompany() { return customersPerCompany; }
    public SimulatorSettings customersPerCompany(int v) { customersPerCompany = nonNegative("customersPerCompany", v); return this; }

    public int vendorsPerCompany() { return vendorsPerCompany; }
    public SimulatorSettings vendorsPerCompany(int v) { vendorsPerCompany = nonNegative("vendorsPerCompany", v); return this; }

    public int itemsPerCompany() { return itemsPerCompany; }
    public SimulatorSettings itemsPerCompany(int v) { itemsPerCompany = nonNegative("itemsPerCompany", v); return this; }

    public int maxPageSize() { return maxPageSize; }
    public SimulatorSettings maxPageSize(int v) {
        if (v < 1 || v > BC_MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("maxPageSize must be between 1 and " + BC_MAX_PAGE_SIZE + ", was " + v);
        }
        maxPageSize = v;
        return this;
    }

    public long seed() { return seed; }
    public SimulatorSettings seed(long v) { seed = v; return this; }

    /**
     * Extra time BC takes to answer each API operation (default 0). Lets concurrency tests and benchmarks see
     * overlapping requests: with instant answers at most one request is ever in flight.
     */
    public int latencyMillis() { return latencyMillis; }
    public SimulatorSettings latencyMillis(int v) { latencyMillis = nonNegative("latencyMillis", v); return this; }

    /** Environment names BC knows (compared case-insensitively); others get the NoEnvironment front-door error. */
    public List<String> environments() { return environments; }
    public SimulatorSettings environments(List<String> v) {
        List<String> lower = new ArrayList<>();
        v.forEach(e -> lower.add(e.toLowerCase(Locale.ROOT)));
        environments = List.copyOf(lower);
        return this;
    }

    /** Requests one principal may start per {@link #rateWindowMillis()} (BC: 6,000 per 5 minutes); beyond: 429. */
    public int rateLimitRequests() { return rateLimitRequests; }
    public SimulatorSettings rateLimitRequests(int v) { rateLimitRequests = positive("rateLimitRequests", v); return this; }

    /** Length of the sliding rate window, measured with the simulator's clock (BC: 5 minutes). */
    public long rateWindowMillis() { return rateWindowMillis; }
    public SimulatorSettings rateWindowMillis(long v) { rateWindowMillis = positive("rateWindowMillis", v); return this; }

    /** Requests of one principal that execute at once (BC: 5); further ones queue. */
    public int maxRunning() { return maxRunning; }
    public SimulatorSettings maxRunning(int v) { maxRunning = positive("maxRunning", v); return this; }

    /** Requests of one principal that may wait for a running slot (BC: 95); beyond: 429. */
    public int maxQueued() { return maxQueued; }
    public SimulatorSettings maxQueued(int v) { maxQueued = nonNegative("maxQueued", v); return this; }

    /** Running plus queued requests one principal may hold (BC: 100); derived, not set directly. */
    public int maxConnections() { return maxRunning + maxQueued; }

    /**
     * How long a request may wait in the queue before BC gives up with 503 (BC: 8 minutes). Measured with a real
     * timer, not the simulator's clock: a queued request has no later event that could notice a clock jump.
     */
    public long queueTimeoutMillis() { return queueTimeoutMillis; }
    public SimulatorSettings queueTimeoutMillis(long v) { queueTimeoutMillis = positive("queueTimeoutMillis", v); return this; }

    /** Seconds sent in {@code Retry-After} on 502 and 503 (BC documents the header on both). */
    public int retryAfterOn503Seconds() { return retryAfterOn503Seconds; }
    public SimulatorSettings retryAfterOn503Seconds(int v) { retryAfterOn503Seconds = nonNegative("retryAfterOn503Seconds", v); return this; }

    /**
     * Seconds sent in {@code Retry-After} on 429, or empty for none (the default: BC does not document one,
     * so a client must back off on its own).
     */
    public Optional<Integer> retryAfterOn429Seconds() { return Optional.ofNullable(retryAfterOn429Seconds); }
    public SimulatorSettings retryAfterOn429Seconds(Integer v) {
        retryAfterOn429Seconds = v == null ? null : nonNegative("retryAfterOn429", v);
        return this;
    }

    /**
     * Fault knob: when set (for example {@code https://elsewhere.example}), {@code @odata.nextLink}s point at this
     * origin instead of the simulator's own, as a misbehaving or hijacked server's would. Default: unset.
     */
    public Optional<String> nextLinkOrigin() { return Optional.ofNullable(nextLinkOrigin); }
    public SimulatorSettings nextLinkOrigin(String v) {
        if (v != null && !v.matches("https?://[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw new IllegalArgumentException("nextLinkOrigin must be scheme://host[:port] or null");
        }
        nextLinkOrigin = v;
        return this;
    }

    /** Random extra latency 0..N ms added to {@link #latencyMillis()} per request (default 0). */
    public int latencyJitterMillis() { return latencyJitterMillis; }
    public SimulatorSettings latencyJitterMillis(int v) { latencyJitterMillis = nonNegative("latencyJitterMillis", v); return this; }

    /** Share (0.0-1.0) of admitted BC requests answered with a random status from {@link #faultStatuses()}. */
    public double faultRate() { return faultRate; }
    public SimulatorSettings faultRate(double v) { faultRate = share("faultRate", v); return this; }

    /** Statuses random faults pick from (default 500, 502, 503, 504). */
    public List<Integer> faultStatuses() { return faultStatuses; }
    public SimulatorSettings faultStatuses(List<Integer> v) {
        if (v.isEmpty()) throw new IllegalArgumentException("faultStatuses must not be empty");
        v.forEach(st -> errorStatus("faultStatuses", st));
        faultStatuses = List.copyOf(v);
        return this;
    }

    /**
     * Whether an injected 500/502/504 is answered after the request executed (true: a POST answered 504 did
     * create its entity, as can happen at BC) or instead of executing it (false, the default). Injected 429 and
     * 503 never execute: at BC they mean the request was not run (bc-facts "Limits").
     */
    public boolean faultsAfterExecution() { return faultsAfterExecution; }
    public SimulatorSettings faultsAfterExecution(boolean v) { faultsAfterExecution = v; return this; }

    /** Share (0.0-1.0) of GET collection responses that send part of the body, then reset the connection. */
    public double resetMidBodyRate() { return resetMidBodyRate; }
    public SimulatorSettings resetMidBodyRate(double v) { resetMidBodyRate = share("resetMidBodyRate", v); return this; }

    /**
     * How far the read replica lags the primary (bc-facts "Read scale-out"): a GET with
     * {@code Data-Access-Intent: ReadOnly} sees the entity sets as they were this long ago (default 0).
     */
    public long replicaLagMillis() { return replicaLagMillis; }
    public SimulatorSettings replicaLagMillis(long v) {
        if (v < 0) throw new IllegalArgumentException("replicaLagMillis must not be negative, was " + v);
        replicaLagMillis = v;
        return this;
    }

    /** Behaviour of the token endpoint (default normal). */
    public TokenEndpointMode tokenEndpointMode() { return tokenEndpointMode; }
    public SimulatorSettings tokenEndpointMode(TokenEndpointMode v) { tokenEndpointMode = java.util.Objects.requireNonNull(v); return this; }

    /** Delay of the token endpoint in mode slow (default 5000 ms). */
    public int tokenEndpointDelayMillis() { return tokenEndpointDelayMillis; }
    public SimulatorSettings tokenEndpointDelayMillis(int v) { tokenEndpointDelayMillis = nonNegative("tokenEndpointDelayMillis", v); return this; }

    /** Switches every fault knob back to its default; limits and data settings are kept. */
    public SimulatorSettings resetFaults() {
        latencyJitterMillis = 0;
        faultRate = 0;
        faultStatuses = DEFAULT_FAULT_STATUSES;
        faultsAfterExecution = false;
        resetMidBodyRate = 0;
        replicaLagMillis = 0;
        tokenEndpointMode = TokenEndpointMode.NORMAL;
        return this;
    }

    /** Webhook delays, thresholds, lifetimes and the retry schedule. */
    public WebhookSettings webhooks() { return webhooks; }

    public SimulatorSettings registerApp(RegisteredApp app) {
        apps.put(key(app.tenantId(), app.clientId()), app);
        return this;
    }

    public Optional<RegisteredApp> app(String tenantId, String clientId) {
        return Optional.ofNullable(apps.get(key(tenantId, clientId)));
    }

    public boolean knowsTenant(String tenantId) {
        String t = tenantId.toLowerCase(Locale.ROOT);
        return apps.values().stream().anyMatch(a -> a.tenantId().equals(t));
    }

    public List<RegisteredApp> apps() { return List.copyOf(apps.values()); }

    /**
     * An API other than Business Central exposed in a tenant (an app registration with an application ID URI, such
     * as the gateway's own {@code api://bc-gateway}), and the app roles each client app has been granted on it. Apps
     * ask for its tokens with {@code scope=<appIdUri>/.default}, as workload identities calling the gateway do.
     */
    public record ExposedApi(String tenantId, String appIdUri, Map<String, List<String>> grants) {
        public ExposedApi {
            tenantId = tenantId.toLowerCase(Locale.ROOT);
            Map<String, List<String>> g = new java.util.HashMap<>();
            grants.forEach((client, roles) -> g.put(client.toLowerCase(Locale.ROOT), List.copyOf(roles)));
            grants = Map.copyOf(g);
        }

        /** The app roles granted to {@code clientId}; none when it has no assignment (Entra then omits the claim). */
        public List<String> rolesOf(String clientId) {
            return grants.getOrDefault(clientId.toLowerCase(Locale.ROOT), List.of());
        }
    }

    public SimulatorSettings exposeApi(ExposedApi api) {
        apis.put(key(api.tenantId(), api.appIdUri()), api);
        return this;
    }

    public Optional<ExposedApi> api(String tenantId, String appIdUri) {
        return Optional.ofNullable(apis.get(key(tenantId, appIdUri)));
    }

    public List<ExposedApi> apis() { return List.copyOf(apis.values()); }

    private static String key(String tenantId, String clientId) {
        return tenantId.toLowerCase(Locale.ROOT) + "|" + clientId.toLowerCase(Locale.ROOT);
    }

    private static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        return v;
    }

    private static long positive(String name, long v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        return v;
    }

    private static double share(String name, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be between 0.0 and 1.0, was " + v);
        return v;
    }

    static int errorStatus(String name, int v) {
        if (v < 400 || v > 599) throw new IllegalArgumentException(name + " must be HTTP error statuses (400-599), was " + v);
        return v;
    }

    private static int nonNegative(String name, int v) {
        if (v < 0) throw new IllegalArgumentException(name + " must not be negative, was " + v);
        return v;
    }
}
