package io.bcgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.LogCapture;
import io.bcgateway.testing.MutualTlsProfile;
import io.bcgateway.testing.PrometheusText;
import io.bcgateway.testing.SimulatorProcess;
import io.bcgateway.testing.TempDirs;
import io.bcgateway.testing.TlsListener;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/** Callers identified by their TLS client certificate, over a real HTTPS listener. */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
@WithTestResource(SimulatorProcess.class)
class MutualTlsCallerTest {

    @TestHTTPResource(value = "/bc/sim/api/v2.0/companies", tls = true)
    URL httpsCompanies;

    @TestHTTPResource("/bc/sim/api/v2.0/companies")
    URL plainCompanies;

    @Test
    void aConfiguredClientCertificateActsAsItsCallerWithinItsPolicy() throws Exception {
        HttpClient orders = client("order-service");
        PrometheusText before = PrometheusText.scrape();
        try (LogCapture logs = LogCapture.install()) {
            HttpResponse<String> read = orders.send(get(httpsCompanies), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read.body());
            // What the gateway recorded of it: the caller's name and BC's status, once.
            String requestId = read.headers().firstValue("request-id").orElseThrow();
            List<String> access = logs.awaitLines(l -> l.startsWith("io.bcgateway.access")
                    && l.contains("bc_request_id=" + requestId + " "), 1, Duration.ofSeconds(10));
            assertEquals(1, access.size(), "one access line: " + logs.lines());
            assertTrue(access.get(0).contains(" connection=sim status=200 ") && access.get(0).endsWith(" caller=orders"),
                    access.get(0));
            PrometheusText after = PrometheusText.scrape();
            assertEquals(1, requests(after) - requests(before), "counted once");
            assertEquals(1, requests(after, "outcome", "bc", "status_class", "2xx")
                    - requests(before, "outcome", "bc", "status_class", "2xx"), "counted as BC's 2xx");
        }
        HttpResponse<String> write = orders.send(HttpRequest.newBuilder(httpsCompanies.toURI())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, write.statusCode());
        JsonObject problem = new JsonObject(write.body());
        assertEquals("orders", problem.getString("caller"));
        assertEquals("gateway.caller-auth.callers.orders.methods", problem.getString("rule"));
    }

    @Test
    void aTrustedCertificateThatNoPolicyNamesIsRefused() throws Exception {
        HttpResponse<String> r = client("stranger").send(get(httpsCompanies), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("urn:bc-gateway:problem:unauthenticated", new JsonObject(r.body()).getString("type"));
    }

    @Test
    void withoutACertificateNothingGetsIn() throws Exception {
        HttpResponse<String> https = client(null).send(get(httpsCompanies), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, https.statusCode());
        assertTrue(https.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> plain = HttpClient.newHttpClient().send(get(plainCompanies),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, plain.statusCode());
    }

    @Test
    void anUntrustedCertificateGetsNoFurtherThanNoCertificate() throws Exception {
        // A certificate the server's trust store does not hold: the server does not accept it as anyone's.
        HttpResponse<String> r = clientWith(selfSigned()).send(get(httpsCompanies), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
    }

    private static double requests(PrometheusText scrape, String... labels) {
        String[] pairs = new String[labels.length + 2];
        pairs[0] = "connection";
        pairs[1] = "sim";
        System.arraycopy(labels, 0, pairs, 2, labels.length);
        return scrape.sum("bc_gateway_requests_total", pairs);
    }

    private static HttpRequest get(URL url) throws Exception {
        return HttpRequest.newBuilder(url.toURI()).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpClient client(String alias) throws Exception {
        KeyStore keys = null;
        if (alias != null) {
            keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(MutualTlsProfile.DIR.resolve(alias + ".p12"))) {
                keys.load(in, MutualTlsProfile.PASSWORD.toCharArray());
            }
        }
        return clientWith(keys);
    }

    private static HttpClient clientWith(KeyStore keys) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TlsListener.dir().resolve("client-trust.p12"))) {
            trust.load(in, MutualTlsProfile.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        KeyManagerFactory kmf = null;
        if (keys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, MutualTlsProfile.PASSWORD.toCharArray());
        }
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A fresh key pair and self-signed certificate in a key store, via keytool into a temporary directory. */
    private static KeyStore selfSigned() throws Exception {
        var dir = TempDirs.deletedAtExit("bc-gateway-untrusted");
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "untrusted", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=untrusted",
                "-validity", "2", "-keystore", "untrusted.p12", "-storetype", "PKCS12", "-storepass",
                MutualTlsProfile.PASSWORD).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("untrusted.p12"))) {
            ks.load(in, MutualTlsProfile.PASSWORD.toCharArray());
        }
        return ks;
    }
}
