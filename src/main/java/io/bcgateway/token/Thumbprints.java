package io.bcgateway.token;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The {@code x5t} JWT header Entra ID uses to find a certificate credential: the base64url-encoded (unpadded)
 * SHA-1 digest of the certificate's DER encoding, the same 20 bytes Azure shows as a 40-digit hex "thumbprint".
 */
public final class Thumbprints {

    private Thumbprints() {
    }

    /** {@code x5t} from a thumbprint written in hex as Azure shows it; ':' and spaces are ignored. */
    public static String x5tFromHex(String thumbprint) {
        String hex = thumbprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("certificate.thumbprint must be the certificate's SHA-1 thumbprint, "
                    + "40 hex digits");
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(hex));
    }

    /** {@code x5t} of a DER-encoded certificate. */
    public static String x5tOfDer(byte[] der) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(der);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha1);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    /** {@code x5t} of the first certificate in a PEM (or DER) file. */
    public static String x5tOfCertificateFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return x5tOfDer(cert.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException("certificate.cert-file " + file + " cannot be read", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("certificate.cert-file " + file + " is not an X.509 certificate");
        }
    }
}
