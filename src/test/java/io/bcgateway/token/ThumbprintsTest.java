package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbprintsTest {

    /** A self-signed certificate made with openssl; its SHA-1 fingerprint (openssl x509 -fingerprint -sha1) below. */
    private static final String CERT = """
-----BEGIN CERTIFICATE-----
MIIDFTCCAf2gAwIBAgIUZtS3s/OzZCkH26WsqwQp1GLKQTAwDQYJKoZIhvcNAQEL
BQAwGjEYMBYGA1UEAwwPYmMtZ2F0ZXdheS10ZXN0MB4XDTI2MTEyNzIwMjU0NFoX
DTM2MTEyNDIwMjU0NFowGjEYMBYGA1UEAwwPYmMtZ2F0ZXdheS10ZXN0MIIBIjAN
BgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmnI1BN+hbcb7Ltp9NstRARIu1nXw
J2SznMVlGo5k9tIp3ZR1m4ylAgdwvHmz4/CphggcMAv72eisQeyWocaz+0LUntgY
+rRfckmGfUO02reh3z+3HpLD4S+GMQ75Wot6JMYmix5IGjHjQo5iu1Z/KYQimzfw
mCCBKmKyHBioBRayKkhwL85gClt99ri4YYaExrjITnaVqzXlYEOctibFK7ZUcBLm
lh1QFhSuUu+sqIoPeuG3vwFza6QIQ8gZm3L1LSoW8GCSsywCmILTJphmdzcxVQqp
aYlfg9R8L+PRZvFerzsGOQsIRgF7rYNfrREPsUC6gMlxsusuBn8Gjkf+qwIDAQAB
o1MwUTAdBgNVHQ4EFgQUJa8gmunA1WSBLo1BDlbRnPvkbHowHwYDVR0jBBgwFoAU
Ja8gmunA1WSBLo1BDlbRnPvkbHowDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0B
AQsFAAOCAQEAVc+AW9pm542t3KBzI3h1qwhj1W+8L3IxiWHp+jv1eWDQTy444ixd
1EfersbBtkFUIbZW4HIzV4K0QV6RP4Og6PZWJrRfE0/m7xy/T2zI6FEMm3v0pKH2
olOQH2qbzuvB43QQmR+xbnldQ56MB7tNpl3G/zA1/aG7qCLD6C1Ivk08x3EFo/vy
q4UL5LoLgJHmn8qq5XxlnLhzral1EOovoXQ4kfp7J6zesY2jPY5AJltMQNmFa9f5
AZ6EoEUOD/eRy0TQvpwa28cJYViJ4R24racOVKmUVoxjpMYQRCerBWG+R8+TTRmE
hJfoiQjGS2vRvWzt6LwFBql1vg7AhjO2fg==
-----END CERTIFICATE-----
            """;
    private static final String OPENSSL_SHA1 = "DC:12:38:CE:DE:BF:62:75:82:A3:A5:08:A5:38:99:27:60:B7:F7:0F";
    /** base64url (unpadded) of those 20 bytes: what Entra ID expects in the x5t header. */
    private static final String X5T = "3BI4zt6_YnWCo6UIpTiZJ2C39w8";

    @Test
    void x5tOfACertificateFileIsTheBase64UrlSha1OfItsDerEncoding(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cert.pem");
        Files.writeString(file, CERT, StandardCharsets.US_ASCII);
        assertEquals(X5T, Thumbprints.x5tOfCertificateFile(file));
    }

    @Test
    void x5tFromTheHexThumbprintAzureShowsIsTheSame() {
        assertEquals(X5T, Thumbprints.x5tFromHex(OPENSSL_SHA1));
        assertEquals(X5T, Thumbprints.x5tFromHex(OPENSSL_SHA1.replace(":", "").toLowerCase()));
    }

    @Test
    void aThumbprintThatIsNotFortyHexDigitsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Thumbprints.x5tFromHex("DC:12:38"));
        assertThrows(IllegalArgumentException.class, () -> Thumbprints.x5tFromHex("zz" + "0".repeat(38)));
    }

    @Test
    void aFileThatIsNoCertificateIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-cert.pem");
        Files.writeString(file, "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Thumbprints.x5tOfCertificateFile(file));
        assertEquals("certificate.cert-file " + file + " is not an X.509 certificate", e.getMessage());
    }
}
