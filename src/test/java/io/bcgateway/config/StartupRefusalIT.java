package io.bcgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.bcgateway.testing.JavaProcess;

/**
 * The packaged gateway, started with a bad configuration, refuses to start with one line that names the
 * environment variable as well as the property (or the variable at fault), and no stack trace.
 */
class StartupRefusalIT {

    private static final String TENANT = "3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42";

    private static List<String> connection(String name, String baseUrl) {
        String p = "-Dgateway.connections." + name + ".";
        return List.of(p + "tenant-id=" + TENANT, p + "client-id=app", p + "client-secret=not-a-secret",
                p + "environment=production", p + "base-url=" + baseUrl);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a connection name with a slash", connection("con/toso", "https://bc.example"), Map.of(),
                        "bc-gateway cannot start: gateway.connections.con/toso.*: 'con/toso' is not a usable"
                                + " connection name"),
                Arguments.of("a connection name with a space", connection("con toso", "https://bc.example"), Map.of(),
                        "bc-gateway cannot start: gateway.connections.con toso.*: 'con toso' is not a usable"),
                Arguments.of("plain http to a non-loopback BC", connection("a", "http://bc.example"), Map.of(),
                        "bc-gateway cannot start: gateway.connections.a.base-url (environment variable"
                                + " GATEWAY_CONNECTIONS_A_BASE_URL): connection 'a': base-url uses plain http"),
                Arguments.of("a double underscore in an environment variable's connection name", List.of(),
                        Map.of("GATEWAY_CONNECTIONS_CONTOSO__EU_TENANT_ID", TENANT),
                        "bc-gateway cannot start: environment variable GATEWAY_CONNECTIONS_CONTOSO__EU_TENANT_ID: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithOneLineNamingTheKey(String name, List<String> properties, Map<String, String> env,
            String expected) {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the gateway first: " + jar);
        List<String> args = new ArrayList<>(List.of("-Xmx96m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=0",
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=0"));
        args.addAll(properties);
        args.addAll(List.of("-jar", jar.toString()));
        Pattern started = Pattern.compile("Listening on: (http://[^\\s]+:\\d+)");
        try (JavaProcess gateway = JavaProcess.start("gateway", started, args, env)) {
            int exit = gateway.awaitExit(Duration.ofSeconds(60));
            List<String> output = gateway.output().stream().filter(l -> !l.isBlank()).toList();
            assertNotEquals(0, exit, name + ": the gateway started");
            assertEquals(1, output.size(), name + ": one line, no stack trace: " + output);
            assertTrue(output.get(0).startsWith(expected), name + ": " + output.get(0));
        }
    }
}
