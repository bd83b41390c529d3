package io.bcgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.bcgateway.demo.SimulatorConfig;

/**
 * {@code docs/configuration.md} is the user's reference of every key. Its tables name one key per row in the first
 * column ({@code `gateway.throttle.max-running`}, map keys as {@code <name>}), the default in the second and the
 * meaning in the third. This test holds the document to the {@code @ConfigMapping} interfaces: a key declared in
 * code and missing from the document fails it, a {@code gateway.*} or {@code simulator.*} row whose key no longer
 * exists fails it, and so does a default that differs from the key's {@code @WithDefault}. No Quarkus start.
 */
class ConfigurationDocTest {

    /** Surefire runs in the project directory and names it in {@code basedir}. */
    private static final Path DOC = Path.of(System.getProperty("basedir", ".")).resolve("docs/configuration.md");
    /**
     * First cell of a table row that documents one of the gateway's own keys.
     */
    private static final Pattern KEY_CELL = Pattern.compile("^`((?:gateway|simulator)\\.[^`\\s]+)`$");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

    private final Map<String, ConfigMappingKeys.Key> declared = ConfigMappingKeys
            .of(ConfigMappingKeys.mappingsOfTheApplication());

    @Test
    void everyDeclaredKeyIsDocumented() throws IOException {
        Map<String, Row> documented = rows(Files.readAllLines(DOC));
        List<String> missing = declared.keySet().stream().filter(k -> !documented.containsKey(k)).toList();
        assertTrue(missing.isEmpty(), "Keys declared in the @ConfigMapping interfaces but missing from " + DOC
                + " (add a row: key, default, meaning): " + missing);
    }

    @Test
    void everyDocumentedKeyStillExists() throws IOException {
        Map<String, Row> documented = rows(Files.readAllLines(DOC));
        List<String> stale = documented.keySet().stream().filter(k -> !declared.containsKey(k)).toList();
        assertTrue(stale.isEmpty(), DOC + " lists keys that no @ConfigMapping interface declares any more: " + stale);
    }

    @Test
    void documentedDefaultsAreTheDeclaredOnesAndEveryKeySaysWhatItMeans() throws IOException {
        Map<String, Row> documented = rows(Files.readAllLines(DOC));
        List<String> wrong = new ArrayList<>();
        declared.values().forEach(key -> {
            Row row = documented.get(key.name());
            if (row == null) {
                return; // reported by everyDeclaredKeyIsDocumented
            }
            key.defaultValue().filter(d -> !row.defaultCell().contains("`" + d + "`"))
                    .ifPresent(d -> wrong.add(key.name() + ": default `" + d + "`, the document says " + row.defaultCell()));
            if (row.meaning().isBlank()) {
                wrong.add(key.name() + ": no meaning");
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /**
     * The document promises that every key works as an environment variable. For keys inside a named map SmallRye
     * cannot find the name alone, so {@link ConnectionEnvConfigSource} must know each key: a key added to a
     * connection or a caller without it would silently never be read from the environment.
     */
    @Test
    void everyConnectionAndCallerKeyWorksAsAnEnvironmentVariable() {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        declared.keySet().stream().filter(k -> k.startsWith("gateway.connections.*.") || k.startsWith("gateway.caller-auth.callers.*."))
                .forEach(key -> {
                    String property = key.replaceFirst("\\*", "contoso-eu").replace("*", "app2");
                    env.put(variable(property), "value of " + property);
                    expected.put(property, "value of " + property);
                });
        assertTrue(expected.size() > 20, "connection and caller keys found: " + expected.keySet());
        ConnectionEnvConfigSource source = new ConnectionEnvConfigSource(env);
        List<String> unread = expected.entrySet().stream().filter(e -> !e.getValue().equals(source.getValue(e.getKey())))
                .map(e -> variable(e.getKey()) + " gave " + source.getValue(e.getKey()) + ", not " + e.getKey())
                .toList();
        assertTrue(unread.isEmpty(), "Keys that do not work as environment variables: " + unread);
    }

    /** The derivation itself: the shapes the gateway uses (named maps, nested groups, defaults) come out right. */
    @Test
    void derivesKeysFromPrefixesNestedGroupsAndNamedMaps() {
        assertTrue(ConfigMappingKeys.mappingsOfTheApplication().containsAll(List.of(GatewayConfig.class,
                ThrottleConfig.class, FanoutConfig.class, CallerAuthConfig.class, HealthConfig.class, ClusterConfig.class,
                SimulatorConfig.class)));
        assertEquals(Optional.of("0.5"), declared.get("gateway.throttle.circuit-breaker.failure-ratio").defaultValue());
        assertEquals(Optional.of("5m"), declared.get("gateway.token.refresh-ahead").defaultValue());
        assertEquals(Optional.empty(), declared.get("gateway.connections.*.tenant-id").defaultValue());
        assertTrue(declared.containsKey("gateway.connections.*.pool.*.client-secret"));
        assertTrue(declared.containsKey("gateway.connections.*.certificate.key-file"));
        assertTrue(declared.containsKey("gateway.connections.*.limits.rate-window"));
        assertTrue(declared.containsKey("gateway.caller-auth.callers.*.api-key-hashes"));
        assertTrue(declared.containsKey("simulator.mount-path"));
        for (String groupOrMap : List.of("gateway.connections", "gateway.connections.*", "gateway.connections.*.limits",
                "gateway.connections.*.pool.*", "gateway.throttle.retry", "gateway.caller-auth.callers.*")) {
            assertTrue(!declared.containsKey(groupOrMap), groupOrMap + " is a group or a map, not a key");
        }
    }

    /** The comparison can fail: a row taken out and a row for a key that does not exist are both reported. */
    @Test
    void aRemovedRowAndARowForAnUnknownKeyAreBothCaught() throws IOException {
        List<String> doc = new ArrayList<>(Files.readAllLines(DOC));
        int index = doc.stream().filter(l -> l.startsWith("| `gateway.fanout.page-size`")).findFirst().map(doc::indexOf)
                .orElseThrow(() -> new AssertionError("gateway.fanout.page-size has no row in " + DOC));
        doc.set(index, "| `gateway.fanout.page-sise` | `1000` | a key with a typo |");
        Map<String, Row> documented = rows(doc);
        assertTrue(!documented.containsKey("gateway.fanout.page-size") && declared.containsKey("gateway.fanout.page-size"));
        assertTrue(documented.containsKey("gateway.fanout.page-sise") && !declared.containsKey("gateway.fanout.page-sise"));
    }

    /** The environment variable of a property, as Kubernetes users write it. */
    private static String variable(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** One documented key: its default cell and its meaning. */
    record Row(String defaultCell, String meaning) {
    }

    /** Table rows of the document whose first cell is one gateway or simulator key; {@code <name>} becomes {@code *}. */
    static Map<String, Row> rows(List<String> lines) {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> twice = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("|")) {
                continue;
            }
            String[] cells = line.substring(1).split("(?<!\\\\)\\|", -1);
            Matcher key = KEY_CELL.matcher(cells[0].trim());
            if (!key.matches()) {
                continue;
            }
            String name = PLACEHOLDER.matcher(key.group(1)).replaceAll("*");
            Row row = new Row(cells.length > 1 ? cells[1].trim() : "", cells.length > 2 ? cells[2].trim() : "");
            if (rows.put(name, row) != null) {
                twice.add(name);
            }
        }
        assertTrue(twice.isEmpty(), "Keys documented twice: " + twice);
        assertTrue(rows.size() > 10, "No key table found in the document: " + new TreeSet<>(rows.keySet()).stream()
                .collect(Collectors.joining(", ")));
        return rows;
    }
}
