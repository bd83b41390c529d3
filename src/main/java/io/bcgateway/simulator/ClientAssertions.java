package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Client assertions ({@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer}) as Entra
 * ID checks them, and the parsing of the credentials {@code POST /_sim/apps} registers. An assertion is a
 * credential: nothing here puts it into an answer or a log.
 */
final class ClientAssertions {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** The audience Entra requires of federated tokens (workload identity federation). */
    static final String TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private ClientAssertions() {
    }

    /** A decoded (not yet verified) JWT. */
    record Jwt(ObjectNode header, ObjectNode claims, String signingInput, byte[] signature) {

        /** Parses {@code header.claims.signature}; empty when it is not a well-formed RS256 JWT. */
        static Optional<Jwt> parse(String jwt) {
            String[] parts = jwt.split("\\.", -1);
            if (parts.length != 3) return Optional.empty();
            try {
                JsonNode header = JSON.readTree(B64D.decode(parts[0]));
                JsonNode claims = JSON.readTree(B64D.decode(parts[1]));
                if (!(header instanceof ObjectNode h) || !(claims instanceof ObjectNode c)) return Optional.empty();
                return Optional.of(new Jwt(h, c, parts[0] + "." + parts[1], B64D.decode(parts[2])));
            } catch (IllegalArgumentException | java.io.IOException e) {
                return Optional.empty();
            }
        }

        /** True when the signature is RS256 by {@code key}; {@code alg=none} and HMAC are refused. */
        boolean signedBy(PublicKey key) {
            if (!"RS256".equals(header.path("alg").asText())) return false;
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initVerify(key);
                s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return s.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        String claim(String name) {
            return claims.path(name).asText("");
        }

        /** {@code aud} as a string or an array of strings contains {@code audience}. */
        boolean hasAudience(java.util.function.Predicate<String> audience) {
            JsonNode aud = claims.path("aud");
            if (aud.isArray()) {
                for (JsonNode a : aud) if (audience.test(a.asText())) return true;
                return false;
            }
            return audience.test(aud.asText(""));
        }

        long exp() { return claims.path("exp").asLong(0); }

        long nbf() { return claims.path("nbf").asLong(0); }
    }

    /** {@code certificatePem}, or {@code publicKeyPem} with {@code thumbprint} (hex, as Azure shows it); else null. */
    static SimulatorSettings.CertificateCredential certificate(JsonNode body) {
        if (body.hasNonNull("certificatePem")) {
            try {
                X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(body.get("certificatePem").asText().getBytes(StandardCharsets.US_ASCII)));
                byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(cert.getEncoded());
                return new SimulatorSettings.CertificateCredential(cert.getPublicKey(),
                        Base64.getUrlEncoder().withoutPadding().encodeToString(sha1));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("certificatePem is not a PEM X.509 certificate");
            }
        }
        if (body.hasNonNull("publicKeyPem")) {
            if (!body.hasNonNull("thumbprint")) throw new IllegalArgumentException("publicKeyPem needs thumbprint");
            String hex = body.get("thumbprint").asText().replace(":", "").toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{40}")) throw new IllegalArgumentException("thumbprint must be 40 hex digits (SHA-1)");
            return new SimulatorSettings.CertificateCredential(publicKey("publicKeyPem", body.get("publicKeyPem").asText()),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex)));
        }
        return null;
    }

    /** {@code federatedIssuer}, {@code federatedSubject}, {@code federatedPublicKeyPem}; else null. */
    static SimulatorSettings.FederatedCredential federated(JsonNode body) {
        if (!body.hasNonNull("federatedIssuer") && !body.hasNonNull("federatedSubject")
                && !body.hasNonNull("federatedPublicKeyPem")) {
            return null;
        }
        for (String f : new String[] {"federatedIssuer", "federatedSubject", "federatedPublicKeyPem"}) {
            if (!body.hasNonNull(f) || body.get(f).asText().isBlank()) {
                throw new IllegalArgumentException("a federated credential needs federatedIssuer, federatedSubject and "
                        + "federatedPublicKeyPem; " + f + " is missing");
            }
        }
        return new SimulatorSettings.FederatedCredential(body.get("federatedIssuer").asText(),
                body.get("federatedSubject").asText(), publicKey("federatedPublicKeyPem", body.get("federatedPublicKeyPem").asText()));
    }

    private static PublicKey publicKey(String field, String pem) {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException(field + " must be a PEM RSA public key (BEGIN PUBLIC KEY)");
        }
    }
}
