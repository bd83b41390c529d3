package io.bcgateway.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any environment gives a set of gateway properties or nothing, never an exception at start-up. Each property it
 * makes comes from one variable whose name it spells (upper case, dots and dashes as underscores), carries that
 * variable's value unchanged and names a connection or caller that is not empty; other variables are ignored.
 */
class ConnectionEnvConfigSourceFuzzTest {

    private static final List<String> STARTS = List.of("GATEWAY_CONNECTIONS_", "GATEWAY_CALLER_AUTH_CALLERS_",
            "GATEWAY_CONNECTIONS_CONTOSO_POOL_", "GATEWAY_", "");
    private static final List<String> ENDS = List.of("_CLIENT_SECRET", "_CLIENT_ID", "_POOL_A_CLIENT_ID", "_BASE_URL",
            "_LIMITS_MAX_RUNNING", "_CERTIFICATE_KEY_FILE", "_API_KEY_HASHES", "_PATHS", "_SCOPE", "");

    @FuzzTest(maxDuration = "2m")
    void everyPropertyComesFromTheVariableItSpells(FuzzedDataProvider data) {
        Map<String, String> env = new HashMap<>();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            String name = data.pickValue(STARTS) + data.consumeString(24) + data.pickValue(ENDS);
            env.put(name, data.consumeString(32));
        }
        ConnectionEnvConfigSource source = new ConnectionEnvConfigSource(env);

        assertTrue(source.getPropertyNames().size() <= env.size(), "more properties than variables");
        for (String property : source.getPropertyNames()) {
            String value = source.getValue(property);
            assertTrue(property.startsWith("gateway.connections.") || property.startsWith("gateway.caller-auth.callers."),
                    () -> "unexpected property " + property);
            String owner = property.substring(property.startsWith("gateway.connections.")
                    ? "gateway.connections.".length() : "gateway.caller-auth.callers.".length());
            assertTrue(owner.indexOf('.') > 0, () -> "no connection or caller name in " + property);
            boolean fromAVariable = env.entrySet().stream().anyMatch(e -> e.getValue().equals(value)
                    && spelled(e.getKey()).equals(spelled(property)));
            assertTrue(fromAVariable, () -> property + " matches no variable of " + env.keySet());
        }
    }

    /** A name as an environment variable spells it: upper case, with dots and dashes as underscores. */
    private static String spelled(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
