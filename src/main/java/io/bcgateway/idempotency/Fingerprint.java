package io.bcgateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.vertx.core.buffer.Buffer;

/**
 * What makes two writes "the same request" for an idempotency key: the method, the target (path and query at the
 * gateway) and the SHA-256 of the body. Headers are left out: a client's retry may legitimately differ in them
 * (a fresh trace id, a new date).
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(String method, String target, Buffer body) {
        try {
            MessageDigest bodyDigest = MessageDigest.getInstance("SHA-256");
            if (body != null) {
                bodyDigest.update(body.getBytes());
            }
            return method + ' ' + target + ' ' + HexFormat.of().formatHex(bodyDigest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A fingerprint's request line (method and target), for an error that must say which request holds the key. */
    static String requestLine(String fingerprint) {
        int lastSpace = fingerprint.lastIndexOf(' ');
        return lastSpace < 0 ? fingerprint : fingerprint.substring(0, lastSpace);
    }
}
