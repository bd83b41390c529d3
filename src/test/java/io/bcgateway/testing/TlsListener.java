package io.bcgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;

/**
 * Every gateway under test listens on HTTPS next to HTTP, as it does wherever callers reach it over TLS (mTLS caller
 * mode, a listener no ingress terminates), so the end-to-end tests can take each path over both. A global test
 * resource ({@link TestResourceScope#GLOBAL}): the same for every test, so it costs no extra restart.
 *
 * <p>The server certificate (for 127.0.0.1 and localhost, valid two days) is made at test time with the JDK's
 * keytool, once per JVM: the directory is kept in a system property because Quarkus may load this class in more than
 * one class loader, and the server and its test clients must agree on the certificate.
 */
@WithTestResource(value = TlsListener.class, scope = TestResourceScope.GLOBAL)
public class TlsListener implements QuarkusTestResourceLifecycleManager {

    public static final String PASSWORD = "test-only-store-password";
    private static final String DIR_PROPERTY = "bc-gateway.test.tls-dir";

    @Override
    public Map<String, String> start() {
        return config();
    }

    @Override
    public void stop() {
        // the key stores stay for the JVM's other applications; they live in a temporary directory
    }

    /**
     * The listener's settings. {@code ssl-port} 0 as well as {@code test-ssl-port}: a packaged gateway started by
     * {@code @QuarkusIntegrationTest} runs without the test profile and must not take the fixed default 8443. A
     * named TLS configuration, not the default one: the management interface would take the default one too and
     * answer health and metrics over HTTPS only.
     */
    /** The TLS configuration of the callers' listener (the main HTTP server). */
    public static final String TLS_NAME = "callers";

    public static Map<String, String> config() {
        return Map.of("quarkus.tls." + TLS_NAME + ".key-store.p12.path", dir().resolve("server.p12").toString(),
                "quarkus.tls." + TLS_NAME + ".key-store.p12.password", PASSWORD,
                "quarkus.http.tls-configuration-name", TLS_NAME,
                "quarkus.http.test-ssl-port", "0",
                "quarkus.http.ssl-port", "0");
    }

    /** The key stores' directory: {@code server.p12}, {@code server.cer} and {@code client-trust.p12}. */
    public static Path dir() {
        synchronized (System.getProperties()) {
            String existing = System.getProperty(DIR_PROPERTY);
            if (existing != null) {
                return Path.of(existing);
            }
            Path dir = createServerStores();
            System.setProperty(DIR_PROPERTY, dir.toString());
            return dir;
        }
    }

    /** The HTTPS listener's port in a running {@code @QuarkusTest}. */
    public static int port() {
        return URI.create(TestHTTPResourceManager.getSslUri()).getPort();
    }

    /** A client TLS context that trusts the listener's certificate (and nothing else). */
    public static SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir().resolve("client-trust.p12"))) {
                trust.load(in, PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path createServerStores() {
        try {
            Path dir = TempDirs.deletedAtExit("bc-gateway-tls");
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "server.p12");
            keytool(dir, "-exportcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.cer");
            keytool(dir, "-importcert", "-noprompt", "-alias", "server", "-file", "server.cer", "-keystore",
                    "client-trust.p12");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the JDK's keytool in {@code dir} on PKCS12 stores protected by {@link #PASSWORD}. */
    public static void keytool(Path dir, String... args) throws IOException {
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
