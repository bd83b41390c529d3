package io.bcgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the BC + Entra ID simulator as a separate process on a random loopback port, so that every test call
 * crosses real HTTP hops (caller → gateway → simulator), and points the gateway's connections at it.
 *
 * <p>Connections: {@code sim} (the demo app), one connection per token-counting scenario, each with its own
 * app registration so counts never mix, and broken ones: {@code badsecret} (Entra refuses), {@code entradown}
 * (token endpoint refuses connections), {@code bcdown} (BC refuses connections), {@code bcslow} (BC accepts and
 * never answers). Credential kinds: {@code cert} (certificate), {@code wrongcert} (signs with a key other than the
 * registered one), {@code federated} (federated token file, with the issuer's key in {@code issuer-key.pem} beside
 * it) and {@code secretfile} (client-secret-file that starts out holding {@link #WRONG_SECRET}).
 */
public class SimulatorProcess implements QuarkusTestResourceLifecycleManager {

    /** Connections whose app registration is their own; client id = {@code 00000000-...-<name hash>}. */
    public static final List<String> SCENARIO_CONNECTIONS = List.of("seq", "conc", "expiry", "replay", "revoked",
            "shortlived", "streaming", "throttled", "retrying", "fragile", "tokendown", "pooled", "single", "fanout", "metrics",
            "hooks", "idem", "coal", "replica");
    /** The extra app registrations of the {@code pooled} connection's credential pool. */
    public static final List<String> POOL_MEMBERS = List.of("pooled-p2", "pooled-p3");
    public static final String WRONG_SECRET = "wrong-secret-5f1c9e77-never-valid";

    private static final Pattern LISTENING = Pattern.compile("BC simulator listening on (http://\\S+)");

    private JavaProcess process;
    private java.nio.file.Path credentialDir;
    private SimulatorClient client;
    private ServerSocket silentBc;
    private final List<Socket> heldSockets = new ArrayList<>();

    /** The client id of a scenario connection's own app registration. */
    public static String clientIdOf(String connection) {
        return String.format("00000000-0000-4000-8000-%012x", Math.abs(connection.hashCode()) % 0xffffffffffL);
    }

    public static String secretOf(String connection) {
        return "secret-of-" + connection + "-7d0c";
    }

    @Override
    public Map<String, String> start() {
        String base = launch();
        client = new SimulatorClient(base);
        SCENARIO_CONNECTIONS.forEach(c -> client.registerApp(clientIdOf(c), secretOf(c)));
        POOL_MEMBERS.forEach(c -> client.registerApp(clientIdOf(c), secretOf(c)));
        Map<String, String> config = new HashMap<>();
        callerIdentities(config, base);
        connection(config, "sim", base, client.tokenUrl(), SimulatorClient.DEMO_CLIENT_ID, SimulatorClient.DEMO_SECRET);
        SCENARIO_CONNECTIONS.forEach(c -> connection(config, c, base, client.tokenUrl(), clientIdOf(c), secretOf(c)));
        // Shrunken BC limits for the throttling scenarios; the simulator is set to the same figures by the tests.
        config.put("gateway.connections.throttled.limits.max-running", "2");
        config.put("gateway.connections.throttled.limits.rate-limit", "100");
        config.put("gateway.connections.throttled.limits.rate-window", "5s");
        config.put("gateway.connections.pooled.limits.max-running", "1");
        config.put("gateway.connections.single.limits.max-running", "1");
        // These count BC calls made by concurrent identical GETs: each must reach BC, so they are not coalesced.
        for (String eachCounts : List.of("throttled", "pooled", "fragile", "conc", "expiry")) {
            config.put("gateway.connections." + eachCounts + ".coalesce", "false");
        }
        // Issue 17: idempotency keys required for POSTs, and reads from BC's replica.
        config.put("gateway.connections.idem.require-idempotency-key", "true");
        config.put("gateway.connections.replica.read-intent", "replica");
        for (String member : POOL_MEMBERS) {
            String id = member.substring("pooled-".length());
            config.put("gateway.connections.pooled.pool." + id + ".client-id", clientIdOf(member));
            config.put("gateway.connections.pooled.pool." + id + ".client-secret", secretOf(member));
        }
        credentialConnections(config, base);
        connection(config, "badsecret", base, client.tokenUrl(), SimulatorClient.DEMO_CLIENT_ID, WRONG_SECRET);
        int closed = closedPort();
        connection(config, "entradown", base, "http://127.0.0.1:" + closed + "/" + SimulatorClient.TENANT
                + "/oauth2/v2.0/token", SimulatorClient.DEMO_CLIENT_ID, SimulatorClient.DEMO_SECRET);
        connection(config, "bcdown", "http://127.0.0.1:" + closed, client.tokenUrl(), SimulatorClient.DEMO_CLIENT_ID,
                SimulatorClient.DEMO_SECRET);
        connection(config, "bcslow", "http://127.0.0.1:" + startSilentServer(), client.tokenUrl(),
                SimulatorClient.DEMO_CLIENT_ID, SimulatorClient.DEMO_SECRET);
        return config;
    }

    /** Connections with the other credential kinds; their keys and files live in a temporary directory. */
    private void credentialConnections(Map<String, String> config, String base) {
        try {
            credentialDir = java.nio.file.Files.createTempDirectory("bc-gateway-credentials");
            java.nio.file.Path dir = credentialDir;
            KeyPair certKey = TestKeys.rsa();
            String thumbprint = TestKeys.randomThumbprint();
            client.registerCertificateApp(clientIdOf("cert"), TestKeys.publicKeyPem(certKey), thumbprint);
            client.registerCertificateApp(clientIdOf("wrongcert"), TestKeys.publicKeyPem(certKey), thumbprint);
            java.nio.file.Path keyFile = write(dir.resolve("cert-key.pem"), TestKeys.privateKeyPem(certKey));
            java.nio.file.Path otherKeyFile = write(dir.resolve("other-key.pem"), TestKeys.privateKeyPem(TestKeys.rsa()));
            connection(config, "cert", base, client.tokenUrl(), clientIdOf("cert"), null);
            config.put("gateway.connections.cert.certificate.key-file", keyFile.toString());
            config.put("gateway.connections.cert.certificate.thumbprint", thumbprint);
            connection(config, "wrongcert", base, client.tokenUrl(), clientIdOf("wrongcert"), null);
            config.put("gateway.connections.wrongcert.certificate.key-file", otherKeyFile.toString());
            config.put("gateway.connections.wrongcert.certificate.thumbprint", thumbprint);

            KeyPair issuer = TestKeys.rsa();
            client.registerFederatedApp(clientIdOf("federated"), TestKeys.FEDERATED_ISSUER, TestKeys.FEDERATED_SUBJECT,
                    TestKeys.publicKeyPem(issuer));
            write(dir.resolve("issuer-key.pem"), TestKeys.privateKeyPem(issuer));
            java.nio.file.Path tokenFile = write(dir.resolve("federated-token"), TestKeys.federatedToken(
                    issuer.getPrivate(), TestKeys.FEDERATED_SUBJECT, java.time.Duration.ofDays(7)));
            connection(config, "federated", base, client.tokenUrl(), clientIdOf("federated"), null);
            config.put("gateway.connections.federated.federated-token-file", tokenFile.toString());

            client.registerApp(clientIdOf("secretfile"), secretOf("secretfile"));
            java.nio.file.Path secretFile = write(dir.resolve("client-secret"), WRONG_SECRET + "\n");
            connection(config, "secretfile", base, client.tokenUrl(), clientIdOf("secretfile"), null);
            config.put("gateway.connections.secretfile.client-secret-file", secretFile.toString());

            client.registerApp(clientIdOf("readyflip"), secretOf("readyflip"));
            java.nio.file.Path readySecret = write(dir.resolve("readyflip-secret"), WRONG_SECRET + "\n");
            connection(config, "readyflip", base, client.tokenUrl(), clientIdOf("readyflip"), null);
            config.put("gateway.connections.readyflip.client-secret-file", readySecret.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's own API in the tenant, for the jwt caller mode (its tenant is enabled by the tests that use it). */
    public static final String GATEWAY_API = "api://bc-gateway-tests";
    /** A workload granted no role on the gateway's API; a caller policy names its client id. */
    public static final String CALLER_APP = "c0ffee00-0000-4000-8000-00000000c411";
    /** A workload granted the {@code Gateway.ReadWrite} app role; a caller policy names the role. */
    public static final String ROLE_APP = "c0ffee00-0000-4000-8000-0000000000e1";
    /** A workload with a valid token for the gateway's API that no caller policy names. */
    public static final String STRANGER_APP = "c0ffee00-0000-4000-8000-00000000dead";

    private void callerIdentities(Map<String, String> config, String base) {
        for (String app : List.of(CALLER_APP, ROLE_APP, STRANGER_APP)) {
            client.registerApp(app, secretOf(app));
        }
        client.exposeApi(GATEWAY_API, Map.of(CALLER_APP, List.of(), ROLE_APP, List.of("Gateway.ReadWrite"),
                STRANGER_APP, List.of("Something.Else")));
        config.put("quarkus.oidc.auth-server-url", base + "/" + SimulatorClient.TENANT + "/v2.0");
        // App-only tokens of an API that accepts v1 tokens (Entra's default) carry the sts.windows.net issuer.
        config.put("quarkus.oidc.token.issuer", "https://sts.windows.net/" + SimulatorClient.TENANT + "/");
        config.put("quarkus.oidc.token.audience", GATEWAY_API);
    }

    private static java.nio.file.Path write(java.nio.file.Path file, String content) throws IOException {
        return java.nio.file.Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    private static void connection(Map<String, String> config, String name, String base, String tokenUrl,
            String clientId, String secret) {
        String p = "gateway.connections." + name + ".";
        config.put(p + "tenant-id", SimulatorClient.TENANT);
        config.put(p + "client-id", clientId);
        if (secret != null) {
            config.put(p + "client-secret", secret);
        }
        config.put(p + "environment", "production");
        config.put(p + "base-url", base);
        config.put(p + "token-url", tokenUrl);
    }

    private String launch() {
        process = JavaProcess.start("simulator", LISTENING, List.of("-Xmx512m", "-cp",
                System.getProperty("java.class.path"), "io.bcgateway.simulator.SimulatorMain", "--port", "0",
                "--host", "127.0.0.1"));
        return process.awaitReady();
    }

    /** A loopback port that refuses connections: bound once, then released. */
    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A "Business Central" that accepts connections and never says a word, for read time-outs. */
    private int startSilentServer() {
        try {
            silentBc = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!silentBc.isClosed()) {
                try {
                    Socket s = silentBc.accept();
                    synchronized (heldSockets) {
                        heldSockets.add(s);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-bc");
        acceptor.setDaemon(true);
        acceptor.start();
        return silentBc.getLocalPort();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(client,
                new TestInjector.AnnotatedAndMatchesType(InjectSimulator.class, SimulatorClient.class));
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
        }
        try {
            if (silentBc != null) {
                silentBc.close();
            }
            synchronized (heldSockets) {
                for (Socket s : heldSockets) {
                    s.close();
                }
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (credentialDir != null) {
            try (var files = java.nio.file.Files.list(credentialDir)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.deleteIfExists(f);
                }
                java.nio.file.Files.deleteIfExists(credentialDir);
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
