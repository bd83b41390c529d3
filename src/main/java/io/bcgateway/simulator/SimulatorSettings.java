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

    /** An Entra app registration known to the simulated token endpoint. */
    public record RegisteredApp(String tenantId, String clientId, String clientSecret, List<String> roles) {
        public RegisteredApp {
            tenantId = tenantId.toLowerCase(Locale.ROOT);
            roles = List.copyOf(roles);
        }

        /** Never print the secret, not even in debug output. */
        @Override
        public String toString() {
            return "RegisteredApp[tenantId=" + tenantId + ", clientId=" + clientId + ", roles=" + roles + "]";
        }
    }

    private volatile int tokenLifetimeSeconds = 3599;
    private volatile int companies = 3;
    private volatile int customersPerCompany = 25;
    private volatile int vendorsPerCompany = 10;
    private volatile int itemsPerCompany = 20;
    private volatile int maxPageSize = BC_MAX_PAGE_SIZE;
    private volatile long seed = 42;
    private volatile int latencyMillis = 0;
    private volatile List<String> environments = List.of("production", "sandbox");
    private final Map<String, RegisteredApp> apps = new ConcurrentHashMap<>();

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

    private static String key(String tenantId, String clientId) {
        return tenantId.toLowerCase(Locale.ROOT) + "|" + clientId.toLowerCase(Locale.ROOT);
    }

    private static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        return v;
    }

    private static int nonNegative(String name, int v) {
        if (v < 0) throw new IllegalArgumentException(name + " must not be negative, was " + v);
        return v;
    }
}
