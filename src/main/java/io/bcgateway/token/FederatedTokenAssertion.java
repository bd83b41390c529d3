package io.bcgateway.token;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;

/**
 * Workload identity federation: the client assertion is a token issued by the cluster (AKS projects it into the
 * pod and rotates it). Read afresh for every token request: a rotated token is used at once, and an expired one is
 * never kept in memory. Read through Vert.x's file system (on a worker thread), as the request for a token comes
 * from an event loop.
 *
 * <p>quarkus-oidc-client's {@code credentials.jwt.token-path} reads the file too, but keeps its content until 85 %
 * of the token's lifetime and reloads on a timer; reading per token request is simpler to reason about and costs
 * one small file read per Entra ID round trip.
 */
public final class FederatedTokenAssertion implements ClientAssertion {

    private final Path file;
    private final FileSystem files;

    public FederatedTokenAssertion(Path file, FileSystem files) {
        this.file = file;
        this.files = files;
    }

    @Override
    public Future<String> next() {
        return files.readFile(file.toString()).transform(read -> {
            if (read.failed()) {
                return Future.failedFuture(new TokenException(TokenException.Kind.REJECTED, 0, null, null,
                        "federated-token-file " + file + " cannot be read (" + read.cause().getClass().getSimpleName()
                                + ")"));
            }
            String token = read.result().toString(StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                return Future.failedFuture(new TokenException(TokenException.Kind.REJECTED, 0, null, null,
                        "federated-token-file " + file + " is empty"));
            }
            return Future.succeededFuture(token);
        });
    }

    @Override
    public String toString() {
        return "FederatedTokenAssertion[file=" + file + "]";
    }
}
