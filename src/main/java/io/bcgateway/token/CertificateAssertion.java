package io.bcgateway.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Certificate credentials ({@code private_key_jwt}) for Entra ID: a fresh RS256 client assertion per token
 * request with {@code aud} = the token URL, {@code iss} = {@code sub} = the client id, a unique {@code jti} and a
 * short lifetime, and the certificate's {@code x5t} header by which Entra ID finds the registered certificate.
 *
 * <p>Signed with the JDK rather than quarkus-oidc-client's {@code credentials.jwt.key-file}: in Quarkus 3.33 the
 * client's JWT header carries only {@code kid}, and Entra ID needs {@code x5t}.
 */
public final class CertificateAssertion implements ClientAssertion {

    /** Entra ID accepts assertions of up to 10 minutes; a token request takes seconds. */
    static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String x5t;
    private final String clientId;
    private final String audience;
    private final Clock clock;

    public CertificateAssertion(PrivateKey key, String x5t, String clientId, String tokenUrl, Clock clock) {
        this.key = key;
        this.x5t = x5t;
        this.clientId = clientId;
        this.audience = tokenUrl;
        this.clock = clock;
    }

    /**
     * Reads an unencrypted PKCS#8 RSA private key ({@code -----BEGIN PRIVATE KEY-----}). The message of a failure
     * names the file, never its content.
     */
    public static PrivateKey readPrivateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("certificate.key-file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("certificate.key-file " + file + " is not a PEM PKCS#8 private key "
                    + "(BEGIN PRIVATE KEY); convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        String base64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("certificate.key-file " + file + " is not an RSA private key");
        }
    }

    @Override
    public Future<String> next() {
        try {
            return Future.succeededFuture(sign());
        } catch (TokenException e) {
            return Future.failedFuture(e);
        }
    }

    /** A fresh assertion: a few hundred microseconds of RSA signing, no I/O (the key was read at start-up). */
    private String sign() {
        long now = clock.instant().getEpochSecond();
        JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("x5t", x5t);
        JsonObject claims = new JsonObject()
                .put("aud", audience)
                .put("iss", clientId)
                .put("sub", clientId)
                .put("jti", UUID.randomUUID().toString())
                .put("iat", now)
                .put("nbf", now)
                .put("exp", now + LIFETIME.toSeconds());
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new TokenException(TokenException.Kind.REJECTED, 0, null, null,
                    "the client assertion could not be signed with certificate.key-file ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    private static String encode(JsonObject json) {
        return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CertificateAssertion[clientId=" + clientId + ", x5t=" + x5t + "]";
    }
}
