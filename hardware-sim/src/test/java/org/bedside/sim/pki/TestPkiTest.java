package org.bedside.sim.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {
    @TempDir
    Path dir;

    @Test
    void issuesAServerCertificateThatChainsToTheCaAndNamesItsHosts() throws Exception {
        TestPki ca = TestPki.create(dir, "unit");
        TestPki.Issued server = ca.server("fhir", "localhost", "127.0.0.1");

        Collection<? extends java.security.cert.Certificate> chain;
        try (InputStream in = Files.newInputStream(server.certificateFile())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        assertThat(chain).hasSize(2);
        X509Certificate leaf = (X509Certificate) chain.iterator().next();
        leaf.verify(ca.caCertificate().getPublicKey());
        leaf.checkValidity();
        assertThat(leaf.getSubjectAlternativeNames())
                .extracting(n -> (Object) n.get(1))
                .containsExactlyInAnyOrder("localhost", "127.0.0.1");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);

        String pem = Files.readString(server.keyFile());
        byte[] der = Base64.getMimeDecoder()
                .decode(pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
        assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)))
                .isEqualTo(server.key());
        assertThat(Files.getPosixFilePermissions(server.keyFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void issuesClientExpiredAndRsaCertificatesOnRequest() throws Exception {
        TestPki ca = TestPki.create(dir, "unit");
        assertThat(ca.client("icu-gw-12").certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        Instant past = Instant.now().minus(Duration.ofDays(30));
        TestPki.Issued expired =
                ca.issue(TestPki.Request.server("old", "localhost").validBetween(past, past.plus(Duration.ofDays(1))));
        assertThatThrownBy(() -> expired.certificate().checkValidity()).isInstanceOf(CertificateExpiredException.class);
        TestPki.Issued rsa = ca.issue(TestPki.Request.server("rsa", "localhost").withKey(TestPki.KeyKind.RSA_2048));
        assertThat(rsa.key().getAlgorithm()).isEqualTo("RSA");
        rsa.certificate().verify(ca.caCertificate().getPublicKey());
    }

    @Test
    void aCertificateOfAnotherCaDoesNotVerify() {
        TestPki ours = TestPki.create(dir.resolve("a"), "ours");
        TestPki theirs = TestPki.create(dir.resolve("b"), "theirs");
        TestPki.Issued foreign = theirs.server("fhir", "localhost");
        assertThatThrownBy(
                        () -> foreign.certificate().verify(ours.caCertificate().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);
        assertThatThrownBy(() -> new TestPki.Request(
                        "Bad Name", List.of(), true, Instant.EPOCH, Instant.now(), TestPki.KeyKind.EC_P256))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
