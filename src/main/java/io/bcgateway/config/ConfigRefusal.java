package io.bcgateway.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A start-up refusal for bad configuration, as one line that names the property and the environment variable
 * that sets it: {@code bc-gateway cannot start: gateway.connections.contoso.base-url (environment variable
 * GATEWAY_CONNECTIONS_CONTOSO_BASE_URL): base-url must start with https://}.
 *
 * <p>It is a Quarkus {@link ConfigurationException}: when that is the root cause of a failed start, Quarkus prints
 * its message alone instead of "Failed to start application" and a 35-line stack trace. It lives in
 * {@code io.quarkus.runtime.configuration}, Quarkus core's public API for exactly this (no other type gets the
 * one-line treatment).
 */
public final class ConfigRefusal {

    private static final String PREFIX = "bc-gateway cannot start: ";
    /** A detail that starts with a connection key, for example {@code base-url must ...}. */
    private static final Pattern LEADING_KEY = Pattern.compile("^([a-z][a-z-]*(?:\\.[a-z][a-z-]*)?)\\b");
    /** The keys of a connection (gateway.connections.<name>.<key>) a refusal may start with. */
    private static final Pattern LEADING_PROPERTY =
            Pattern.compile("^((?:gateway|quarkus)\\.[A-Za-z0-9.-]*[A-Za-z0-9])");
    private static final Pattern CONNECTION_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final List<String> CONNECTION_KEYS = List.of("tenant-id", "client-id", "client-secret",
            "client-secret-file", "certificate.key-file", "certificate.cert-file", "certificate.thumbprint",
            "federated-token-file", "use-workload-identity", "environment", "base-url", "token-url", "scope",
            "trust-ca-file", "limits.max-running", "limits.rate-limit", "limits.rate-window");

    private ConfigRefusal() {
    }

    /** The refusal of {@code property}'s value. */
    public static ConfigurationException of(String property, String detail) {
        return new ConfigurationException(PREFIX + property + " (environment variable " + envName(property) + "): "
                + oneLine(detail), Set.of(property));
    }

    /**
     * A refusal whose message already starts with the property at fault ({@code gateway.caller-auth.modes: ...},
     * {@code gateway.caller-auth.modes=none lets ...}); the variable is added. Without a leading property, the
     * message as it is.
     */
    public static ConfigurationException fromMessage(String message) {
        Matcher property = LEADING_PROPERTY.matcher(message);
        if (property.find()) {
            return new ConfigurationException(PREFIX + property.group(1) + " (environment variable "
                    + envName(property.group(1)) + "): " + oneLine(message), Set.of(property.group(1)));
        }
        return new ConfigurationException(PREFIX + oneLine(message));
    }

    /** A refusal that concerns an environment variable only (it maps to no property). */
    public static ConfigurationException ofVariable(String variable, String detail) {
        return new ConfigurationException(PREFIX + "environment variable " + variable + ": " + oneLine(detail));
    }

    /**
     * The refusal of connection {@code name}'s configuration. When {@code detail} starts with the key at fault
     * ({@code base-url must ...}) the property and variable are that key's; otherwise the connection's as a whole.
     */
    public static ConfigurationException connection(String name, String detail) {
        Matcher key = LEADING_KEY.matcher(detail);
        String property = "gateway.connections." + name + ".";
        if (key.find() && CONNECTION_KEYS.contains(key.group(1))) {
            return of(property + key.group(1), "connection '" + name + "': " + detail);
        }
        return new ConfigurationException(PREFIX + property + "* (environment variables " + envName(property) + "*): "
                + "connection '" + name + "': " + oneLine(detail));
    }

    /**
     * The environment variable that sets {@code property} (MicroProfile Config's rule: every character that is not
     * a letter or digit becomes '_', upper case).
     */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * Why {@code name} cannot be a connection's name, or null. It is the path segment of {@code /bc/<name>/}, so
     * only lower-case letters, digits and '-' can be reached as written; anything else (a '/', a space, upper case)
     * would configure a connection no request can name.
     */
    public static String connectionNameProblem(String name) {
        if (CONNECTION_NAME.matcher(name).matches()) {
            return null;
        }
        return "'" + name + "' is not a usable connection name: use lower-case letters, digits and '-', starting"
                + " with a letter or digit (it is the path segment of /bc/<name>/)";
    }

    /**
     * The refusal of a connection name (see {@link #connectionNameProblem}). No environment variable is named:
     * variables can only spell names of letters, digits and '-', so the bad name came from a property.
     */
    public static ConfigurationException badConnectionName(String name, String problem) {
        return new ConfigurationException(PREFIX + "gateway.connections." + name + ".*: " + oneLine(problem),
                Set.of("gateway.connections." + name));
    }

    private static String oneLine(String detail) {
        return detail == null ? "" : detail.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
