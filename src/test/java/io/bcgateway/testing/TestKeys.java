package io.bcgateway.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * RSA keys, PEM files and JWTs made in the test JVM for the credential tests. The JDK has no public certificate
 * builder, so certificate apps are registered with a public key and an explicit thumbprint.
 */
public final class TestKeys {

    /** Issuer and subject of the federated credential, as AKS would issue them for a service account. */
    public static final String FEDERATED_ISSUER = "https://oidc.aks.test.example/11111111-2222-3333-4444-555555555555/";
    public static final String FEDERATED_SUBJECT = "system:serviceaccount:bc:gateway";
    public static final String TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

    private TestKeys() {
    }

    public static KeyPair rsa() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A made-up SHA-1 thumbprint, 40 hex digits as Azure shows them. */
    public static String randomThumbprint() {
        byte[] b = new byte[20];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    public static String privateKeyPem(KeyPair kp) {
        return pem("PRIVATE KEY", kp.getPrivate().getEncoded());
    }

    public static String publicKeyPem(KeyPair kp) {
        return pem("PUBLIC KEY", kp.getPublic().getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A federated token as the cluster would issue it: RS256, {@code aud} = api://AzureADTokenExchange. */
    public static String federatedToken(PrivateKey issuerKey, String subject, Duration lifetime) {
        return federatedToken(issuerKey, subject, lifetime, Instant.now());
    }

    /** The same, issued at {@code issuedAt} (a simulator's clock). */
    public static String federatedToken(PrivateKey issuerKey, String subject, Duration lifetime, Instant issuedAt) {
        long now = issuedAt.getEpochSecond();
        JsonObject claims = new JsonObject().put("iss", FEDERATED_ISSUER).put("sub", subject)
                .put("aud", new io.vertx.core.json.JsonArray().add(TOKEN_EXCHANGE_AUDIENCE))
                .put("iat", now).put("nbf", now).put("exp", now + lifetime.toSeconds())
                .put("jti", UUID.randomUUID().toString());
        return sign(issuerKey, new JsonObject().put("alg", "RS256").put("kid", "aks-key-1"), claims);
    }

    public static String sign(PrivateKey key, JsonObject header, JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads back a key written by {@link #privateKeyPem}. */
    public static PrivateKey readPrivateKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return java.security.KeyFactory.getInstance("RSA")
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
