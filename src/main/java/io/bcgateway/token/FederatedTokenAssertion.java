package io.bcgateway.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Workload identity federation: the client assertion is a token issued by the cluster (AKS projects it into the
 * pod and rotates it). Read afresh for every token request: a rotated token is used at once, and an expired one is
 * never kept in memory.
 *
 * <p>quarkus-oidc-client's {@code credentials.jwt.token-path} reads the file too, but keeps its content until 85 %
 * of the token's lifetime and reloads on a timer; reading per token request is simpler to reason about and costs
 * one small file read per Entra ID round trip.
 */
public final class FederatedTokenAssertion implements ClientAssertion {

    private final Path file;

    public FederatedTokenAssertion(Path file) {
        this.file = file;
    }

    @Override
    public String next() {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new TokenException(TokenException.Kind.REJECTED, 0, null, null,
                    "federated-token-file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (token.isEmpty()) {
            throw new TokenException(TokenException.Kind.REJECTED, 0, null, null,
                    "federated-token-file " + file + " is empty");
        }
        return token;
    }

    @Override
    public String toString() {
        return "FederatedTokenAssertion[file=" + file + "]";
    }
}
