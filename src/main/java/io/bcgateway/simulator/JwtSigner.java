package io.bcgateway.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.Optional;

/**
 * RS256 JWT signing and verification with a key pair generated per simulator instance, so a token
 * from another instance (or a hand-made one) fails verification like a forged token would at BC.
 */
final class JwtSigner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Generated in the background: RSA-2048 key generation can take seconds on a busy machine. */
    private final java.util.concurrent.CompletableFuture<KeyPair> pendingKeyPair;
    private volatile KeyPair keyPair;
    private volatile String keyId;

    JwtSigner() {
        pendingKeyPair = java.util.concurrent.CompletableFuture.supplyAsync(JwtSigner::generate, r -> {
            Thread t = new Thread(r, "bc-simulator-keygen");
            t.setDaemon(true);
            t.start();
        });
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is required by every Java runtime", e);
        }
    }

    /** Waits for the key pair; called once the rest of the simulator is built, before it serves. */
    void awaitKey() {
        if (keyPair != null) return;
        KeyPair kp = pendingKeyPair.join();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(kp.getPublic().getEncoded());
            keyId = B64.encodeToString(digest).substring(0, 27);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        keyPair = kp;
    }

    String sign(ObjectNode claims) {
        awaitKey();
        ObjectNode header = JSON.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", keyId);
        header.put("kid", keyId);
        String signingInput = encode(header) + "." + encode(claims);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(keyPair.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing with SHA256withRSA failed", e);
        }
    }

    /** {@code {"keys":[{kty, use, kid, x5t, n, e}]}}: the RSA public key, base64url big-endian without sign byte. */
    ObjectNode jwks() {
        awaitKey();
        java.security.interfaces.RSAPublicKey key = (java.security.interfaces.RSAPublicKey) keyPair.getPublic();
        ObjectNode jwk = JSON.createObjectNode();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("kid", keyId);
        jwk.put("x5t", keyId);
        jwk.put("n", B64.encodeToString(unsigned(key.getModulus())));
        jwk.put("e", B64.encodeToString(unsigned(key.getPublicExponent())));
        ObjectNode set = JSON.createObjectNode();
        set.putArray("keys").add(jwk);
        return set;
    }

    private static byte[] unsigned(java.math.BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    /** The claims of a well-formed token with a valid RS256 signature by this instance, else empty. */
    Optional<ObjectNode> verify(String jwt) {
        awaitKey();
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(B64D.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.empty(); // refuses alg=none and HMAC confusion
            }
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(keyPair.getPublic());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(B64D.decode(parts[2]))) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
            return claims instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String encode(ObjectNode node) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
