package io.bcgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway's HTTPS listener ({@link TlsListener}, with its server certificate) asking for client certificates, and
 * callers identified by their certificate's thumbprint. Client key stores are made once per JVM with the JDK's
 * keytool: a client certificate the policy names ({@code order-service}) and one the server trusts but no policy
 * names ({@code stranger}).
 */
public class MutualTlsProfile implements QuarkusTestProfile {

    public static final String PASSWORD = TlsListener.PASSWORD;
    public static final Path DIR = createStores();

    @Override
    public Map<String, String> getConfigOverrides() {
        // The listener's own settings too, identical to the global resource's, so neither source overrides the other.
        Map<String, String> config = new HashMap<>(TlsListener.config());
        config.putAll(Map.of("quarkus.tls." + TlsListener.TLS_NAME + ".trust-store.p12.path",
                DIR.resolve("server-trust.p12").toString(),
                "quarkus.tls." + TlsListener.TLS_NAME + ".trust-store.p12.password", PASSWORD,
                "quarkus.http.ssl.client-auth", "request",
                "gateway.caller-auth.modes", "mtls",
                "gateway.caller-auth.callers.orders.certificate-thumbprints", thumbprint("order-service"),
                "gateway.caller-auth.callers.orders.connections", "sim"));
        return config;
    }

    /** SHA-256 of the certificate's DER encoding, hex, with colons as operators often copy it. */
    public static String thumbprint(String alias) {
        try {
            byte[] der = Files.readAllBytes(DIR.resolve(alias + ".cer"));
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path createStores() {
        try {
            Path dir = TempDirs.deletedAtExit("bc-gateway-mtls");
            for (String client : List.of("order-service", "stranger")) {
                keytool(dir, "-genkeypair", "-alias", client, "-keyalg", "RSA", "-keysize", "2048", "-dname",
                        "CN=" + client, "-validity", "2", "-keystore", client + ".p12");
                keytool(dir, "-exportcert", "-alias", client, "-keystore", client + ".p12", "-file", client + ".cer");
                keytool(dir, "-importcert", "-noprompt", "-alias", client, "-file", client + ".cer", "-keystore",
                        "server-trust.p12");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        TlsListener.keytool(dir, args);
    }
}
