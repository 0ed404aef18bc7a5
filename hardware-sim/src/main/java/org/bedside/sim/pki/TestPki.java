package org.bedside.sim.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority in a directory: {@code <name>-ca.pem} and the certificates it issues as PEM files
 * ({@code <cert>.pem}, the certificate followed by the CA's; {@code <cert>-key.pem}, the PKCS#8 private key, mode 0600
 * where the file system has permissions).
 *
 * <pre>{@code
 * TestPki ca = TestPki.create(dir, "bedside-test");
 * TestPki.Issued server = ca.server("fhir", "localhost", "127.0.0.1");
 * TestPki.Issued gateway = ca.client("icu-gw-12");
 * TestPki.Issued expired = ca.issue(TestPki.Request.server("old", "localhost").validBetween(past, alsoPast));
 * }</pre>
 *
 * Keys are EC P-256 by default (fast to make), RSA 2048 on request. Certificates carry the extensions verifiers check:
 * basic constraints, key usage, extended key usage (server or client authentication) and subject alternative names
 * (DNS names and IP addresses, which hostname verification matches; the common name is not used for it).
 */
public final class TestPki {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key algorithm of an issued certificate. */
    public enum KeyKind {
        EC_P256,
        RSA_2048
    }

    /**
     * What to issue.
     *
     * @param name the file name stem and the certificate's common name
     * @param hosts DNS names and IP literals the certificate is valid for (subject alternative names)
     * @param serverAuth whether it may authenticate a server; otherwise it is a client certificate
     */
    public record Request(
            String name, List<String> hosts, boolean serverAuth, Instant notBefore, Instant notAfter, KeyKind key) {
        public Request {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "certificate names are lower-case letters, digits, '.' and '-': " + name);
            }
            hosts = List.copyOf(hosts);
            if (!notAfter.isAfter(notBefore)) {
                throw new IllegalArgumentException("a certificate's validity must end after it begins");
            }
        }

        /** A server certificate valid from an hour ago for a year. */
        public static Request server(String name, String... hosts) {
            Instant now = Instant.now();
            return new Request(
                    name,
                    List.of(hosts),
                    true,
                    now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(365)),
                    KeyKind.EC_P256);
        }

        /** A client certificate valid from an hour ago for a year. */
        public static Request client(String name) {
            Instant now = Instant.now();
            return new Request(
                    name,
                    List.of(),
                    false,
                    now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofDays(365)),
                    KeyKind.EC_P256);
        }

        public Request validBetween(Instant from, Instant until) {
            return new Request(name, hosts, serverAuth, from, until, key);
        }

        public Request withKey(KeyKind kind) {
            return new Request(name, hosts, serverAuth, notBefore, notAfter, kind);
        }
    }

    /** An issued certificate and its key, in memory and in their PEM files. */
    public record Issued(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {}

    private final Path directory;
    private final X509Certificate caCertificate;
    private final PrivateKey caKey;
    private final Path caFile;

    private TestPki(Path directory, X509Certificate caCertificate, PrivateKey caKey, Path caFile) {
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.caKey = caKey;
        this.caFile = caFile;
    }

    /** A new CA, valid from an hour ago for ten years, its certificate written to {@code <dir>/<name>-ca.pem}. */
    public static TestPki create(Path directory, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("CA names are lower-case letters, digits, '.' and '-': " + name);
        }
        try {
            Files.createDirectories(directory);
            KeyPair pair = keyPair(KeyKind.EC_P256);
            X500Name subject = new X500Name("CN=" + name + " test CA, O=Bedside Gateway tests");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            Path file = directory.resolve(name + "-ca.pem");
            Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
            return new TestPki(directory, cert, pair.getPrivate(), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test CA: " + e.getMessage(), e);
        }
    }

    /**
     * A revocation list of this CA naming {@code revoked} (none: an empty list), issued an hour ago and valid for a week,
     * written to {@code <dir>/<fileName>}: what a hospital's PKI publishes and a verifier given {@code crl-files} reads.
     */
    public Path revocationList(String fileName, X509Certificate... revoked) {
        try {
            Instant now = Instant.now();
            org.bouncycastle.cert.X509v2CRLBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(
                    caCertificate, Date.from(now.minus(Duration.ofHours(1))));
            b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
            for (X509Certificate c : revoked) {
                b.addCRLEntry(
                        c.getSerialNumber(),
                        Date.from(now.minus(Duration.ofMinutes(30))),
                        org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            String algorithm = caKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] der =
                    b.build(new JcaContentSignerBuilder(algorithm).build(caKey)).getEncoded();
            Path file = directory.resolve(fileName);
            Files.writeString(file, pem("X509 CRL", der), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a test revocation list: " + e.getMessage(), e);
        }
    }

    /** The CA's certificate file: what a verifier trusts. */
    public Path caFile() {
        return caFile;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** A server certificate for these DNS names and IP addresses, valid from an hour ago for a year. */
    public Issued server(String name, String... hosts) {
        return issue(Request.server(name, hosts));
    }

    /** A client certificate (for mutual TLS), valid from an hour ago for a year. */
    public Issued client(String name) {
        return issue(Request.client(name));
    }

    public Issued issue(Request r) {
        try {
            KeyPair pair = keyPair(r.key());
            X500Name subject = new X500Name("CN=" + r.name() + ", O=Bedside Gateway tests");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    caCertificate,
                    serial(),
                    Date.from(r.notBefore()),
                    Date.from(r.notAfter()),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature
                            | (r.key() == KeyKind.RSA_2048 ? KeyUsage.keyEncipherment : KeyUsage.keyAgreement)));
            b.addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(
                            r.serverAuth() ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCertificate));
            if (!r.hosts().isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, alternativeNames(r.hosts()));
            }
            X509Certificate cert = sign(b, caKey);
            Path certFile = directory.resolve(r.name() + ".pem");
            Path keyFile = directory.resolve(r.name() + "-key.pem");
            Files.writeString(
                    certFile,
                    pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", caCertificate.getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile);
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing more to do
            }
            Files.writeString(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            return new Issued(cert, pair.getPrivate(), certFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue " + r.name() + ": " + e.getMessage(), e);
        }
    }

    private static GeneralNames alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(
                    isIpLiteral(h)
                            ? new GeneralName(GeneralName.iPAddress, h)
                            : new GeneralName(GeneralName.dNSName, h));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host); // a literal is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static KeyPair keyPair(KeyKind kind) throws GeneralSecurityException {
        KeyPairGenerator g;
        if (kind == KeyKind.RSA_2048) {
            g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
        } else {
            g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        }
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws GeneralSecurityException, CertIOException {
        String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
