package io.bcgateway.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes connections that exist only as environment variables visible, as Kubernetes users expect:
 * {@code GATEWAY_CONNECTIONS_CONTOSO_EU_CLIENT_SECRET} becomes {@code gateway.connections.contoso-eu.client-secret}.
 *
 * <p>Config mappings cannot discover the names of map entries from environment variables alone (the name and the
 * key are both written with underscores), so this source recognises the known keys at the end of the variable
 * name and treats what stands before them as the connection name, lower-cased with underscores as dashes. A name
 * with {@code __} or a leading or trailing {@code _} is not mapped (it would silently become {@code contoso--eu});
 * {@link #ambiguousVariables} lists such variables so that start-up refuses them by name.
 * Credential-pool members are {@code GATEWAY_CONNECTIONS_<NAME>_POOL_<ID>_CLIENT_ID} and {@code ..._CLIENT_SECRET};
 * per-connection limits {@code GATEWAY_CONNECTIONS_<NAME>_LIMITS_MAX_RUNNING} and so on; certificate credentials
 * {@code GATEWAY_CONNECTIONS_<NAME>_CERTIFICATE_KEY_FILE}, {@code ..._CERTIFICATE_THUMBPRINT}, {@code ..._CERTIFICATE_CERT_FILE}.
 * Callers work the same way: {@code GATEWAY_CALLER_AUTH_CALLERS_REPORTING_PATHS} becomes
 * {@code gateway.caller-auth.callers.reporting.paths}.
 */
public final class ConnectionEnvConfigSource implements ConfigSource {

    private static final String PREFIX = "GATEWAY_CONNECTIONS_";
    /** Longest first, so that {@code CLIENT_SECRET} is not read as a name ending in {@code _CLIENT} + key. */
    private static final List<String> KEYS = List.of("LIMITS_MAX_RUNNING", "LIMITS_RATE_LIMIT", "LIMITS_RATE_WINDOW",
            "CERTIFICATE_THUMBPRINT", "CERTIFICATE_CERT_FILE", "CERTIFICATE_KEY_FILE", "FEDERATED_TOKEN_FILE",
            "USE_WORKLOAD_IDENTITY", "REQUIRE_IDEMPOTENCY_KEY", "READ_YOUR_WRITES", "READ_INTENT", "COALESCE", "CLIENT_SECRET_FILE", "TRUST_CA_FILE", "CLIENT_SECRET", "ENVIRONMENT", "TENANT_ID", "CLIENT_ID", "TOKEN_URL",
            "BASE_URL", "SCOPE");
    /** Callers: {@code GATEWAY_CALLER_AUTH_CALLERS_<NAME>_<KEY>}, e.g. {@code ..._REPORTING_API_KEY_HASHES}. */
    private static final String CALLERS_PREFIX = "GATEWAY_CALLER_AUTH_CALLERS_";
    private static final List<String> CALLER_KEYS = List.of("CERTIFICATE_THUMBPRINTS", "API_KEY_HASHES", "CLIENT_IDS", "CONNECTIONS", "RATE_LIMIT",
            "METHODS", "PATHS", "ROLES");
    /** A credential-pool member: {@code <CONNECTION>_POOL_<ID>_CLIENT_ID} / {@code _CLIENT_SECRET}. */
    private static final java.util.regex.Pattern POOL = java.util.regex.Pattern
            .compile("(.+)_POOL_([A-Z0-9]+(?:_[A-Z0-9]+)*?)_(CLIENT_ID|CLIENT_SECRET)");

    /**
     * What may stand after the prefix. A dot (Kubernetes and Linux allow it in variable names) would add a level to
     * the property name and move the value under another connection or key; such a variable is not read.
     */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");

    private final Map<String, String> properties;
    /** Variables whose connection name is ambiguous ({@code __}, or a leading or trailing {@code _}): not mapped. */
    private final List<String> ambiguous;

    public ConnectionEnvConfigSource() {
        this(System.getenv());
    }

    ConnectionEnvConfigSource(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        List<String> unclear = new java.util.ArrayList<>();
        env.forEach((name, value) -> {
            if (name.startsWith(CALLERS_PREFIX)) {
                String rest = name.substring(CALLERS_PREFIX.length());
                if (!NAME.matcher(rest).matches()) {
                    return;
                }
                for (String key : CALLER_KEYS) {
                    if (rest.endsWith("_" + key) && rest.length() > key.length() + 1) {
                        props.put("gateway.caller-auth.callers." + dashed(rest.substring(0, rest.length() - key.length() - 1))
                                + "." + dashed(key), value);
                        return;
                    }
                }
                return;
            }
            if (!name.startsWith(PREFIX)) {
                return;
            }
            String rest = name.substring(PREFIX.length());
            if (!NAME.matcher(rest).matches()) {
                return;
            }
            java.util.regex.Matcher pool = POOL.matcher(rest);
            if (pool.matches() && ambiguousName(pool.group(1))) {
                unclear.add(name);
                return;
            }
            if (pool.matches()) {
                props.put("gateway.connections." + dashed(pool.group(1)) + ".pool." + dashed(pool.group(2)) + "."
                        + dashed(pool.group(3)), value);
                return;
            }
            for (String key : KEYS) {
                if (rest.endsWith("_" + key) && rest.length() > key.length() + 1) {
                    String envConnection = rest.substring(0, rest.length() - key.length() - 1);
                    if (ambiguousName(envConnection)) {
                        unclear.add(name);
                        return;
                    }
                    String connection = dashed(envConnection);
                    String property = key.startsWith("LIMITS_") ? "limits." + dashed(key.substring(7))
                            : key.startsWith("CERTIFICATE_") ? "certificate." + dashed(key.substring(12)) : dashed(key);
                    props.put("gateway.connections." + connection + "." + property, value);
                    return;
                }
            }
        });
        this.properties = Map.copyOf(props);
        this.ambiguous = List.copyOf(new java.util.TreeSet<>(unclear));
    }

    /**
     * {@code CONTOSO__EU} would silently become {@code contoso--eu}, and {@code _CONTOSO} a name starting with '-':
     * neither is what the operator meant, and neither is reachable as they would type it.
     */
    private static boolean ambiguousName(String envConnection) {
        return envConnection.contains("__") || envConnection.startsWith("_") || envConnection.endsWith("_");
    }

    /**
     * The {@code GATEWAY_CONNECTIONS_*} variables of {@code env} whose connection name is ambiguous; the gateway
     * refuses to start while there are any, naming them, rather than ignore or misread them.
     */
    public static List<String> ambiguousVariables(Map<String, String> env) {
        return new ConnectionEnvConfigSource(env).ambiguous;
    }

    private static String dashed(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "gateway-connections-env";
    }

    /** The same precedence as environment variables. */
    @Override
    public int getOrdinal() {
        return 300;
    }
}
