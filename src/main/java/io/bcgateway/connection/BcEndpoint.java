package io.bcgateway.connection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where one connection's Business Central API lives, and the pure URL arithmetic around it.
 *
 * <p>Online, {@code /bc/{connection}/{rest}} maps to {@code {base-url}/v2.0/{environment}/{rest}}; on-premises
 * (no environment) to {@code {base-url}/{rest}}. The upstream host always comes from configuration, never from
 * the caller's input.
 */
public final class BcEndpoint {

    private final boolean ssl;
    private final String host;
    private final int port;
    private final String basePath;
    private final String environment;
    private final String pathPrefix;
    private final String origin;
    private final String linkBase;

    private BcEndpoint(boolean ssl, String host, int port, String basePath, String environment) {
        this.ssl = ssl;
        this.host = host;
        this.port = port;
        this.basePath = basePath;
        this.environment = environment;
        this.pathPrefix = environment == null ? basePath + "/" : basePath + "/v2.0/" + environment + "/";
        this.origin = (ssl ? "https://" : "http://") + host.toLowerCase(Locale.ROOT) + ":" + port;
        boolean defaultPort = port == (ssl ? 443 : 80);
        this.linkBase = (ssl ? "https://" : "http://") + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + basePath + "/" + (environment == null ? "" : "v2.0/");
    }

    /**
     * Parses a configured base URL. Plain {@code http} is accepted only for loopback hosts (simulators, local
     * tests): a real Business Central must be reached over verified TLS.
     */
    public static BcEndpoint of(String baseUrl, Optional<String> environment) {
        URI uri;
        try {
            uri = new URI(baseUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base-url is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("base-url must start with https:// (was '" + baseUrl + "')");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("base-url has no host (was '" + baseUrl + "')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("base-url must not carry user info, a query or a fragment");
        }
        boolean ssl = scheme.equals("https");
        if (!ssl && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(
                    "base-url uses plain http for a non-loopback host; use https (plain http is only for local simulators)");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String env = environment.map(String::strip).filter(e -> !e.isEmpty()).orElse(null);
        if (env != null && !env.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("environment must be a plain name such as 'production' (was '" + env + "')");
        }
        return new BcEndpoint(ssl, uri.getHost(), port, path, env);
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    public boolean ssl() {
        return ssl;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The environment online; empty on-premises. */
    public Optional<String> environment() {
        return Optional.ofNullable(environment);
    }

    /**
     * The start of every address BC writes into its answers for this connection, as BC spells it (host in lower
     * case, no default port): online up to {@code /v2.0/}, where the tenant (optional) and the environment follow;
     * on-premises the whole API base.
     */
    public String linkBase() {
        return linkBase;
    }

    /** The upstream request target (path and query) for the caller's {@code rest} of the path and raw query. */
    public String upstreamUri(String rest, String rawQuery) {
        StringBuilder sb = new StringBuilder(pathPrefix.length() + rest.length() + 1
                + (rawQuery == null ? 0 : rawQuery.length() + 1));
        sb.append(pathPrefix).append(rest);
        if (rawQuery != null) {
            sb.append('?').append(rawQuery);
        }
        return sb.toString();
    }

    /**
     * If {@code url} is an absolute URL into this connection's API (as in an {@code @odata.nextLink}), the part
     * after the environment, query included; otherwise empty. Online, BC may put the tenant id before the
     * environment ({@code /v2.0/{tenant}/{environment}/...}) and may capitalise the environment differently.
     */
    public Optional<String> restOf(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd < 0) {
            return Optional.empty();
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals(ssl ? "https" : "http")) {
            return Optional.empty();
        }
        int authorityEnd = indexOfAny(url, schemeEnd + 3, '/', '?', '#');
        String authority = url.substring(schemeEnd + 3, authorityEnd);
        if (authority.contains("@") || !sameAuthority(authority)) {
            return Optional.empty();
        }
        String path = url.substring(authorityEnd);
        if (!path.startsWith(basePath + "/")) {
            return Optional.empty();
        }
        String afterBase = path.substring(basePath.length() + 1);
        if (environment == null) {
            return Optional.of(afterBase);
        }
        if (!afterBase.startsWith("v2.0/")) {
            return Optional.empty();
        }
        String afterVersion = afterBase.substring("v2.0/".length());
        String withoutTenant = stripSegmentIfEnvironmentFollows(afterVersion);
        if (!startsWithIgnoreCase(withoutTenant, environment + "/")) {
            return Optional.empty();
        }
        return Optional.of(withoutTenant.substring(environment.length() + 1));
    }

    private String stripSegmentIfEnvironmentFollows(String path) {
        if (startsWithIgnoreCase(path, environment + "/")) {
            return path;
        }
        int slash = path.indexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private boolean sameAuthority(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        int colon = a.lastIndexOf(':');
        boolean hasPort = colon > a.lastIndexOf(']');
        String h = hasPort ? a.substring(0, colon) : a;
        int p;
        try {
            p = hasPort ? Integer.parseInt(a.substring(colon + 1)) : ssl ? 443 : 80;
        } catch (NumberFormatException e) {
            return false;
        }
        return p == port && h.equals(host.toLowerCase(Locale.ROOT));
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static int indexOfAny(String s, int from, char... chars) {
        for (int i = from; i < s.length(); i++) {
            for (char c : chars) {
                if (s.charAt(i) == c) {
                    return i;
                }
            }
        }
        return s.length();
    }

    @Override
    public String toString() {
        return origin + pathPrefix;
    }
}
