package io.bcgateway.connection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.bcgateway.config.ConnectionConfig;

/**
 * How a connection proves its identity to Entra ID: exactly one of a client secret, a secret file, a certificate
 * or a federated token (workload identity). {@code toString()} never shows a secret.
 */
sealed interface Credential {

    /** {@code client-secret}. */
    record Secret(String value) implements Credential {
        @Override
        public String toString() {
            return "Secret[***]";
        }
    }

    /** {@code client-secret-file}, re-read before token requests. */
    record SecretFile(Path file) implements Credential {
    }

    /** {@code certificate.*}: private key file and either the thumbprint or the certificate file. */
    record Certificate(Path keyFile, Optional<String> thumbprint, Optional<Path> certFile) implements Credential {
    }

    /** {@code federated-token-file}, or {@code AZURE_FEDERATED_TOKEN_FILE} with {@code use-workload-identity}. */
    record FederatedToken(Path file) implements Credential {
    }

    /** Environment variable the AKS workload identity webhook sets to the projected token's path. */
    String AZURE_FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";

    /** The credential of a connection's configuration; see {@link #select}. */
    static Credential of(ConnectionConfig c, Function<String, String> env) {
        return select(c.clientSecret(), c.clientSecretFile(),
                c.certificate().map(cert -> new Certificate(cert.keyFile(), cert.thumbprint(), cert.certFile())),
                c.federatedTokenFile(), c.useWorkloadIdentity(), env);
    }

    /**
     * Picks the one configured credential. Fails with a message naming the keys when none or more than one is set,
     * when a certificate lacks both its thumbprint and its certificate file (or has both), or when workload identity
     * is asked for but {@code AZURE_FEDERATED_TOKEN_FILE} is not set.
     */
    static Credential select(Optional<String> secret, Optional<Path> secretFile, Optional<Certificate> certificate,
            Optional<Path> federatedTokenFile, boolean useWorkloadIdentity, Function<String, String> env) {
        List<String> set = new ArrayList<>();
        List<Credential> found = new ArrayList<>();
        secret.filter(s -> !s.isBlank()).ifPresent(s -> {
            set.add("client-secret");
            found.add(new Secret(s));
        });
        secretFile.ifPresent(f -> {
            set.add("client-secret-file");
            found.add(new SecretFile(f));
        });
        certificate.ifPresent(cert -> {
            set.add("certificate.key-file");
            found.add(cert);
        });
        if (federatedTokenFile.isPresent()) {
            set.add("federated-token-file");
            found.add(new FederatedToken(federatedTokenFile.get()));
        } else if (useWorkloadIdentity) {
            String path = env.apply(AZURE_FEDERATED_TOKEN_FILE);
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("use-workload-identity=true but the environment variable "
                        + AZURE_FEDERATED_TOKEN_FILE + " is not set (is the pod labelled "
                        + "azure.workload.identity/use=true?); or set federated-token-file");
            }
            set.add("use-workload-identity");
            found.add(new FederatedToken(Path.of(path)));
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException("exactly one credential must be configured: client-secret, "
                    + "client-secret-file, certificate.key-file, or federated-token-file (or use-workload-identity=true); "
                    + (set.isEmpty() ? "none is set" : "found " + String.join(", ", set)));
        }
        if (found.get(0) instanceof Certificate cert && cert.thumbprint().isPresent() == cert.certFile().isPresent()) {
            throw new IllegalArgumentException("certificate credentials need exactly one of certificate.thumbprint and "
                    + "certificate.cert-file (for the x5t header Entra ID requires)");
        }
        return found.get(0);
    }
}
