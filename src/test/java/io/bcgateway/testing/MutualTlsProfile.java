package io.bcgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway with an HTTPS listener that asks for client certificates, and callers identified by their
 * certificate's thumbprint. Key stores are made once per JVM with the JDK's keytool: a server certificate for
 * 127.0.0.1, a client certificate the policy names ({@code order-service}) and one the server trusts but no policy
 * names ({@code stranger}).
 */
public class MutualTlsProfile implements QuarkusTestProfile {

    public static final String PASSWORD = "test-only-store-password";
    public static final Path DIR = createStores();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.tls.key-store.p12.path", DIR.resolve("server.p12").toString(),
                "quarkus.tls.key-store.p12.password", PASSWORD,
                "quarkus.tls.trust-store.p12.path", DIR.resolve("server-trust.p12").toString(),
                "quarkus.tls.trust-store.p12.password", PASSWORD,
                "quarkus.http.ssl.client-auth", "request",
                "quarkus.http.test-ssl-port", "0",
                "gateway.caller-auth.modes", "mtls",
                "gateway.caller-auth.callers.orders.certificate-thumbprints", thumbprint("order-service"),
                "gateway.caller-auth.callers.orders.connections", "sim");
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
            Path dir = Files.createTempDirectory("bc-gateway-mtls");
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "server.p12");
            keytool(dir, "-exportcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.cer");
            keytool(dir, "-importcert", "-noprompt", "-alias", "server", "-file", "server.cer", "-keystore",
                    "client-trust.p12");
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
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
