package org.bedside.uplink.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.bedside.sim.pki.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private_key_jwt assertion's claims and headers, as SMART Backend Services and Entra ID want them. */
class AssertionSignerTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final URI TOKEN =
            URI.create("https://auth.hospital.example/realms/icu/protocol/openid-connect/token");

    @TempDir
    Path dir;

    private Path keyFile(KeyPair pair) throws Exception {
        Path p = dir.resolve("key-" + pair.getPublic().getAlgorithm() + ".pem");
        Files.writeString(
                p,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    @Test
    void rs384AssertionCarriesTheSmartClaimsAndVerifies() throws Exception {
        KeyPair pair = rsa();
        AuthSettings s = AuthSettings.privateKeyJwt("bedside-gateway", keyFile(pair));
        AssertionSigner signer = AssertionSigner.open(s, () -> NOW);
        SignedJWT first = signer.sign(TOKEN);
        SignedJWT second = signer.sign(TOKEN);

        assertThat(first.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS384);
        assertThat(first.getHeader().getType().getType()).isEqualTo("JWT");
        // No kid configured: the RFC 7638 thumbprint of the public key, derived from the RSA private key.
        assertThat(first.getHeader().getKeyID())
                .isEqualTo(new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                        .build()
                        .computeThumbprint()
                        .toString());
        var claims = first.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("bedside-gateway");
        assertThat(claims.getSubject()).isEqualTo("bedside-gateway");
        assertThat(claims.getAudience()).containsExactly(TOKEN.toString());
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
        assertThat(claims.getExpirationTime().toInstant())
                .isAfter(NOW)
                .isBeforeOrEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(claims.getJWTID())
                .hasSizeGreaterThanOrEqualTo(32)
                .isNotEqualTo(second.getJWTClaimsSet().getJWTID());
        assertThat(first.verify(new RSASSAVerifier((RSAPublicKey) pair.getPublic())))
                .isTrue();
        assertThat(first.getHeader().getX509CertThumbprint()).isNull();
    }

    @Test
    void es384NeedsAP384KeyAndVerifies() throws Exception {
        KeyPair p384 = ec("secp384r1");
        AssertionSigner signer = AssertionSigner.open(
                AuthSettings.privateKeyJwt("gw", keyFile(p384)).withKey(keyFile(p384), null, "gw-key-2026"), () -> NOW);
        SignedJWT jwt = signer.sign(TOKEN);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("gw-key-2026");
        assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) p384.getPublic())))
                .isTrue();

        KeyPair p256 = ec("secp256r1");
        Path p256File = keyFile(p256);
        var e = catchThrowableOfType(
                AuthConfigException.class,
                () -> AssertionSigner.open(
                        AuthSettings.privateKeyJwt("gw", p256File).withKey(p256File, "ES384", "k"), () -> NOW));
        assertThat(e.field()).isEqualTo(AuthConfigException.Field.ALGORITHM);
        assertThat(e.getMessage()).contains("ES384 needs an EC P-384 key").contains("P-256");

        var noKid = catchThrowableOfType(
                AuthConfigException.class,
                () -> AssertionSigner.open(AuthSettings.privateKeyJwt("gw", keyFile(p384)), () -> NOW));
        assertThat(noKid.field()).isEqualTo(AuthConfigException.Field.KEY_ID);
    }

    @Test
    void entraStyleAssertionsCarryTheCertificateThumbprint() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "entra");
        TestPki.Issued cert = pki.issue(TestPki.Request.client("gw").withKey(TestPki.KeyKind.RSA_2048));
        byte[] der = cert.certificate().getEncoded();

        SignedJWT ps256 = AssertionSigner.open(
                        AuthSettings.privateKeyJwt("gw", cert.keyFile())
                                .withKey(cert.keyFile(), "PS256", null)
                                .withCertificate(cert.certificateFile(), AuthSettings.Thumbprint.X5T_S256),
                        () -> NOW)
                .sign(TOKEN);
        assertThat(ps256.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
        assertThat(ps256.getHeader().getX509CertSHA256Thumbprint())
                .isEqualTo(Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der)));
        assertThat(ps256.verify(
                        new RSASSAVerifier((RSAPublicKey) cert.certificate().getPublicKey())))
                .isTrue();

        SignedJWT rs256 = AssertionSigner.open(
                        AuthSettings.privateKeyJwt("gw", cert.keyFile())
                                .withKey(cert.keyFile(), "RS256", null)
                                .withCertificate(cert.certificateFile(), AuthSettings.Thumbprint.X5T),
                        () -> NOW)
                .sign(TOKEN);
        assertThat(rs256.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(rs256.getHeader().getX509CertThumbprint())
                .isEqualTo(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der)));
    }

    @Test
    void refusesALongLivedAssertionAndAnUnknownAlgorithm() throws Exception {
        Path key = keyFile(rsa());
        var tooLong = catchThrowableOfType(
                AuthConfigException.class,
                () -> AssertionSigner.open(
                        AuthSettings.privateKeyJwt("gw", key)
                                .withTimes(
                                        Duration.ofMinutes(10),
                                        Duration.ofSeconds(60),
                                        Duration.ofSeconds(60),
                                        Duration.ofSeconds(30)),
                        () -> NOW));
        assertThat(tooLong.getMessage()).contains("at most 5 minutes");
        var hs = catchThrowableOfType(
                AuthConfigException.class,
                () -> AssertionSigner.open(
                        AuthSettings.privateKeyJwt("gw", key).withKey(key, "HS256", null), () -> NOW));
        assertThat(hs.getMessage()).contains("not one of RS384, ES384");
    }

    @Test
    void aRotatedKeyFileIsUsedForTheNextAssertion() throws Exception {
        KeyPair first = rsa();
        Path key = keyFile(first);
        AssertionSigner signer = AssertionSigner.open(AuthSettings.privateKeyJwt("gw", key), () -> NOW);
        assertThat(signer.sign(TOKEN).verify(new RSASSAVerifier((RSAPublicKey) first.getPublic())))
                .isTrue();
        KeyPair second = rsa();
        Files.writeString(
                key,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(second.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        SignedJWT after = signer.sign(TOKEN);
        assertThat(after.verify(new RSASSAVerifier((RSAPublicKey) second.getPublic())))
                .isTrue();
        assertThat(after.getHeader().getKeyID())
                .isEqualTo(new RSAKey.Builder((RSAPublicKey) second.getPublic())
                        .build()
                        .computeThumbprint()
                        .toString());
    }
}
