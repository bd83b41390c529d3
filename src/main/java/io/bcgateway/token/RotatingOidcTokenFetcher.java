package io.bcgateway.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.quarkus.oidc.client.OidcClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;

/**
 * Client secret from a file (a Kubernetes secret mount), rotated without a restart. quarkus-oidc-client fixes the
 * secret when a client is built, so before each token request (not each caller request: {@link TokenSource} asks
 * only when it needs a token) the file is read again, and when its content changed a new client is built with the
 * new secret and the old one closed. {@link TokenSource} never runs two fetches at once, so the swap needs no lock
 * beyond the memory visibility {@code synchronized} gives.
 */
public final class RotatingOidcTokenFetcher implements TokenFetcher {

    private static final Logger LOG = Logger.getLogger(RotatingOidcTokenFetcher.class);

    private final String connection;
    private final Path secretFile;
    private final Function<String, Future<OidcClient>> clientForSecret;
    private final Duration timeout;
    private final FileSystem files;
    private String secret;
    private OidcTokenFetcher current;

    /**
     * @param connection the connection's name, for log lines
     * @param secretFile the file holding the secret
     * @param clientForSecret builds an OIDC client that sends the given secret
     * @param initial the client built at start-up with {@code initialSecret}
     * @param files reads the file on a worker thread: a token is asked for from an event loop
     */
    public RotatingOidcTokenFetcher(String connection, Path secretFile, String initialSecret, OidcClient initial,
            Function<String, Future<OidcClient>> clientForSecret, Duration timeout, FileSystem files) {
        this.connection = connection;
        this.secretFile = secretFile;
        this.clientForSecret = clientForSecret;
        this.timeout = timeout;
        this.files = files;
        this.secret = initialSecret;
        this.current = new OidcTokenFetcher(initial, timeout);
    }

    /**
     * The secret in {@code file}, without surrounding whitespace (an editor's or {@code echo}'s newline is not part
     * of a secret), read at once: for start-up. Messages name the file, never its content.
     */
    public static String readSecret(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, e);
        }
        return secretIn(file, content);
    }

    private static String secretIn(Path file, String content) {
        String s = content.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("client-secret-file " + file + " is empty");
        }
        return s;
    }

    private static IllegalArgumentException unreadable(Path file, Throwable e) {
        return new IllegalArgumentException("client-secret-file " + file + " cannot be read ("
                + e.getClass().getSimpleName() + ")");
    }

    @Override
    public Future<Fetched> fetch() {
        return files.readFile(secretFile.toString())
                .transform(read -> fetchWith(read.succeeded() ? read.result() : null, read.cause()));
    }

    private synchronized Future<Fetched> fetchWith(Buffer content, Throwable failure) {
        String onDisk;
        try {
            if (failure != null) {
                throw unreadable(secretFile, failure);
            }
            onDisk = secretIn(secretFile, content.toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // Mid-rotation (Kubernetes swaps a symlink) or removed: the last secret read is still the best guess.
            LOG.warnf("Connection '%s': %s; using the secret read before", connection, e.getMessage());
            return current.fetch();
        }
        if (onDisk.equals(secret)) {
            return current.fetch();
        }
        OidcTokenFetcher previous = current;
        return clientForSecret.apply(onDisk).compose(client -> {
            synchronized (this) {
                secret = onDisk;
                current = new OidcTokenFetcher(client, timeout);
            }
            LOG.infof("Connection '%s': client-secret-file changed; using the new secret from now on", connection);
            closeQuietly(previous.client());
            return current.fetch();
        });
    }

    private static void closeQuietly(OidcClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // nothing in flight on it; a failing close leaks at most one idle HTTP client
        }
    }

    @Override
    public String toString() {
        return "RotatingOidcTokenFetcher[connection=" + connection + ", file=" + secretFile + "]";
    }
}
