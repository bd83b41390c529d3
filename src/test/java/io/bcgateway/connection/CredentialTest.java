package io.bcgateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Start-up validation: exactly one credential per connection, named by its keys. */
class CredentialTest {

    private static final Map<String, String> NO_ENV = Map.of();
    private static final Credential.Certificate CERT = new Credential.Certificate(Path.of("/k.pem"),
            Optional.of("DC:12:38:CE:DE:BF:62:75:82:A3:A5:08:A5:38:99:27:60:B7:F7:0F"), Optional.empty());

    private static Credential select(Optional<String> secret, Optional<Path> secretFile,
            Optional<Credential.Certificate> cert, Optional<Path> federated, boolean workloadIdentity,
            Map<String, String> env) {
        return Credential.select(secret, secretFile, cert, federated, workloadIdentity, env::get);
    }

    @Test
    void aConnectionWithNoCredentialAtAllFailsNamingTheKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, NO_ENV));
        assertEquals("exactly one credential must be configured: client-secret, client-secret-file, "
                + "certificate.key-file, or federated-token-file (or use-workload-identity=true); none is set",
                e.getMessage());
    }

    @Test
    void aBlankSecretCountsAsNone() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(Optional.of("  "),
                Optional.empty(), Optional.empty(), Optional.empty(), false, NO_ENV));
        assertTrue(e.getMessage().endsWith("none is set"), e.getMessage());
    }

    @Test
    void twoCredentialsFailNamingBothAndNeverTheSecret() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(
                Optional.of("s3cret-value"), Optional.empty(), Optional.of(CERT), Optional.empty(), false, NO_ENV));
        assertTrue(e.getMessage().endsWith("found client-secret, certificate.key-file"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-value"));
    }

    @Test
    void aSecretFileAndAFederatedTokenTogetherFail() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(Optional.empty(),
                Optional.of(Path.of("/s")), Optional.empty(), Optional.of(Path.of("/t")), false, NO_ENV));
        assertTrue(e.getMessage().endsWith("found client-secret-file, federated-token-file"), e.getMessage());
    }

    @Test
    void eachSingleCredentialIsAccepted() {
        assertInstanceOf(Credential.Secret.class, select(Optional.of("s"), Optional.empty(), Optional.empty(),
                Optional.empty(), false, NO_ENV));
        assertEquals(new Credential.SecretFile(Path.of("/run/secrets/bc")), select(Optional.empty(),
                Optional.of(Path.of("/run/secrets/bc")), Optional.empty(), Optional.empty(), false, NO_ENV));
        assertEquals(CERT, select(Optional.empty(), Optional.empty(), Optional.of(CERT), Optional.empty(), false,
                NO_ENV));
        assertEquals(new Credential.FederatedToken(Path.of("/var/run/token")), select(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Path.of("/var/run/token")), false, NO_ENV));
    }

    @Test
    void workloadIdentityReadsTheFilePathFromAzureFederatedTokenFile() {
        Credential c = select(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true,
                Map.of("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"));
        assertEquals(new Credential.FederatedToken(Path.of("/var/run/secrets/azure/tokens/azure-identity-token")), c);
    }

    @Test
    void anExplicitFederatedTokenFileWinsOverTheEnvironment() {
        Credential c = select(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(Path.of("/mine")),
                true, Map.of("AZURE_FEDERATED_TOKEN_FILE", "/theirs"));
        assertEquals(new Credential.FederatedToken(Path.of("/mine")), c);
    }

    @Test
    void workloadIdentityWithoutTheEnvironmentVariableFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true, NO_ENV));
        assertTrue(e.getMessage().contains("AZURE_FEDERATED_TOKEN_FILE"), e.getMessage());
    }

    @Test
    void aCertificateNeedsExactlyOneOfThumbprintAndCertFile() {
        var neither = new Credential.Certificate(Path.of("/k.pem"), Optional.empty(), Optional.empty());
        var both = new Credential.Certificate(Path.of("/k.pem"), Optional.of("00".repeat(20)),
                Optional.of(Path.of("/c.pem")));
        for (var cert : java.util.List.of(neither, both)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(Optional.empty(),
                    Optional.empty(), Optional.of(cert), Optional.empty(), false, NO_ENV));
            assertTrue(e.getMessage().contains("certificate.thumbprint and certificate.cert-file"), e.getMessage());
        }
    }

    @Test
    void aSecretNeverShowsInToString() {
        assertEquals("Secret[***]", new Credential.Secret("s3cret-value").toString());
    }
}
