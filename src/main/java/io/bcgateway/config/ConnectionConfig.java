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

    /** Client secret of the app registration. Never logged, never echoed in an error. */
    Optional<String> clientSecret();

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

    /** BC's limits for each principal of this connection; unset values come from {@code gateway.throttle.*}. */
    LimitsConfig limits();

    /**
     * More app registrations for the same tenant, each its own BC principal with its own token, window and
     * slots: Microsoft's documented way past the per-principal limits. Requests go to the least loaded one.
     */
    Map<String, PoolCredential> pool();

    /** One more app registration in a connection's credential pool. */
    interface PoolCredential {
        /** Application (client) id. */
        String clientId();

        /** Its client secret. */
        String clientSecret();
    }
}
