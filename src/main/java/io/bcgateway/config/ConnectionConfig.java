package io.bcgateway.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One Business Central connection: a tenant, an environment and the app registration that calls it. */
public interface ConnectionConfig {

    /** Entra ID tenant (directory) id of the Business Central tenant. */
    String tenantId();

    /** Application (client) id of the app registration. */
    String clientId();

    /**
     * Client secret of the app registration. Never logged, never echoed in an error. Exactly one of
     * {@code client-secret}, {@code client-secret-file}, {@code certificate.*} and {@code federated-token-file}
     * (or {@code use-workload-identity}) is set.
     */
    Optional<String> clientSecret();

    /**
     * File holding the client secret, such as a Kubernetes secret mount. Read at start and again before each token
     * request; a changed secret is used from the next token request on, without a restart.
     */
    Optional<Path> clientSecretFile();

    /** Certificate credentials ({@code private_key_jwt}): the gateway signs a client assertion per token request. */
    Optional<Certificate> certificate();

    /**
     * File holding a federated token (a JWT issued by the cluster for workload identity federation), sent as the
     * client assertion. Read for every token request, so a token rotated by Kubernetes is picked up at once.
     */
    Optional<Path> federatedTokenFile();

    /**
     * AKS workload identity: when {@code true} and {@code federated-token-file} is unset, the federated token file
     * is the one named by the {@code AZURE_FEDERATED_TOKEN_FILE} environment variable (set by the AKS webhook).
     */
    @WithDefault("false")
    boolean useWorkloadIdentity();

    /**
     * Business Central environment name, such as {@code production} or {@code sandbox}. Leave it unset for
     * on-premises servers, whose {@code base-url} is the instance URL itself.
     */
    Optional<String> environment();

    /** Business Central API host, or for on-premises the instance URL such as {@code https://server:7048/BC}. */
    @WithDefault("https://api.businesscentral.dynamics.com")
    String baseUrl();

    /** Token endpoint; defaults to {@code https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/token}. */
    Optional<String> tokenUrl();

    /** OAuth 2.0 scope asked for in the client-credentials grant. */
    @WithDefault("https://api.businesscentral.dynamics.com/.default")
    String scope();

    /**
     * PEM file with the certificate authorities to trust for this connection's Business Central server, for
     * on-premises servers with a private CA. TLS is always verified; there is no switch to turn that off.
     */
    Optional<Path> trustCaFile();

    /**
     * Refuse a POST without an {@code Idempotency-Key} header (400), so that no caller of this connection can create a
     * record twice by repeating a POST whose answer it lost (see docs/idempotency.md).
     */
    @WithDefault("false")
    boolean requireIdempotencyKey();

    /**
     * Concurrent identical GETs share one call to Business Central (see docs/idempotency.md); {@code false} sends
     * every GET on its own.
     */
    @WithDefault("true")
    boolean coalesce();

    /**
     * Where GETs are read: {@code primary}, or {@code replica}, BC's read-only database replica (GETs without their
     * own {@code Data-Access-Intent} get {@code Data-Access-Intent: ReadOnly}), offloading the primary.
     */
    @WithDefault("primary")
    ReadIntent readIntent();

    /**
     * With {@code read-intent=replica}: for this long after a successful write through the gateway to a company, the
     * writing caller's GETs for that company go to the primary, so that they see the write (the replica may lag).
     */
    @WithDefault("10s")
    java.time.Duration readYourWrites();

    /** Where a connection's GETs are read (BC's "read scale-out"). */
    enum ReadIntent {
        /** BC's primary database: every read sees every committed write. */
        PRIMARY,
        /** BC's read-only replica: offloads the primary, may lag it slightly. */
        REPLICA
    }

    /** BC's limits for each principal of this connection; unset values come from {@code gateway.throttle.*}. */
    LimitsConfig limits();

    /**
     * More app registrations for the same tenant, each its own BC principal with its own token, window and
     * slots: Microsoft's documented way past the per-principal limits. Requests go to the least loaded one.
     */
    Map<String, PoolCredential> pool();

    /**
     * A certificate registered with the app: its private key signs the client assertion; Entra ID finds the
     * certificate by the {@code x5t} header, the SHA-1 thumbprint of the certificate.
     */
    interface Certificate {
        /** PEM file with the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA. */
        Path keyFile();

        /**
         * SHA-1 thumbprint of the certificate as Entra ID and Azure show it (40 hex digits, ':' allowed). Either
         * this or {@code cert-file}.
         */
        Optional<String> thumbprint();

        /** PEM file with the certificate itself, from which the thumbprint is computed. Either this or {@code thumbprint}. */
        Optional<Path> certFile();
    }

    /** One more app registration in a connection's credential pool. */
    interface PoolCredential {
        /** Application (client) id. */
        String clientId();

        /** Its client secret. */
        String clientSecret();
    }
}
