package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.bcgateway.config.AccessLogConfig.Output;

class AccessLogOutputTest {

    private static Output auto(Map<String, String> properties) {
        return AccessLogOutput.resolve(Output.AUTO, key -> Optional.ofNullable(properties.get(key)));
    }

    /** {@code properties} on top of the gateway's own plain logging (JSON off in application.properties). */
    private static Output autoPlainAnd(Map<String, String> properties) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("quarkus.log.console.json.enabled", "false"));
        all.putAll(properties);
        return auto(all);
    }

    @Test
    void autoWritesToStdoutOnlyBehindQuarkusPlainConsole() {
        assertEquals(Output.STDOUT, auto(Map.of("quarkus.log.console.json.enabled", "false")));
        // quarkus-logging-json's own default (quarkus.log.console.json=true) is what application.properties overrides
        assertEquals(Output.STDOUT, auto(Map.of("quarkus.log.console.json", "true", "quarkus.log.console.json.enabled", "false",
                "quarkus.log.console.format", AccessLogOutput.DEFAULT_CONSOLE_FORMAT, "quarkus.log.file.enabled", "false")));
    }

    @Test
    void autoKeepsTheLoggerWhereTheOperatorFormatsOrRoutesTheLogs() {
        assertEquals(Output.LOGGER, auto(Map.of()), "quarkus-logging-json on by its own default");
        assertEquals(Output.LOGGER, auto(Map.of("quarkus.log.console.json", "true")));
        for (Map<String, String> routed : new Map[] {Map.of("quarkus.log.console.json.enabled", "true"),
                Map.of("quarkus.log.console.enabled", "false"),
                Map.of("quarkus.log.console.enable", "false"), Map.of("quarkus.log.console.stderr", "true"),
                Map.of("quarkus.log.console.format", "%d{HH:mm:ss} %s%n"), Map.of("quarkus.log.file.enabled", "true"),
                Map.of("quarkus.log.syslog.enabled", "true"), Map.of("quarkus.log.socket.enabled", "true"),
                Map.of("quarkus.log.category.\"io.bcgateway.access\".handlers", "access-file")}) {
            assertEquals(Output.LOGGER, autoPlainAnd(routed), routed.toString());
        }
    }

    @Test
    void anExplicitOutputIsTaken() {
        Map<String, String> json = Map.of("quarkus.log.console.json.enabled", "true");
        for (Output o : new Output[] {Output.STDOUT, Output.LOGGER, Output.OFF}) {
            assertEquals(o, AccessLogOutput.resolve(o, key -> Optional.ofNullable(json.get(key))));
        }
    }
}
