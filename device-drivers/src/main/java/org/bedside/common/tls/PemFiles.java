package org.bedside.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Certificates, private keys and revocation lists in PEM files (RFC 7468), the form hospitals' PKIs and {@code openssl}
 * hand out:
 *
 * <pre>
 * -----BEGIN CERTIFICATE-----          a certificate; a chain is several, the end entity first
 * -----BEGIN PRIVATE KEY-----          a PKCS#8 key, RSA or EC
 * -----BEGIN ENCRYPTED PRIVATE KEY-----  the same, encrypted with a password (PBES2, as openssl pkcs8 -topk8 writes)
 * -----BEGIN X509 CRL-----             a certificate revocation list
 * </pre>
 *
 * Text outside the blocks (openssl's "Bag Attributes", comments) is ignored. The older {@code RSA PRIVATE KEY} and
 * {@code EC PRIVATE KEY} forms are refused with the {@code openssl} command that converts them. Messages name the file;
 * they never contain key material.
 */
public final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemFiles() {}

    /** One PEM block: its label and the DER bytes. */
    record Block(String label, byte[] der) {}

    static List<Block> blocks(byte[] content, Path file) throws IOException {
        String text = new String(content, StandardCharsets.US_ASCII);
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": a " + m.group(1) + " block is not valid base64");
            }
        }
        return out;
    }

    /** Every certificate in the file, in order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] content = readPublic(file, "certificate file");
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory = x509();
        for (Block b : blocks(content, file)) {
            if (!b.label().equals("CERTIFICATE")) {
                if (b.label().contains("PRIVATE KEY")) {
                    throw new IOException(file + " holds a private key: keep the key in a file of its own, readable"
                            + " by its owner only, and name it as the key file");
                }
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new IOException(
                        file + ": certificate " + (out.size() + 1) + " cannot be read: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** Every revocation list in the file; at least one. */
    public static List<X509CRL> revocationLists(Path file) throws IOException {
        byte[] content = readPublic(file, "revocation list");
        List<X509CRL> out = new ArrayList<>();
        CertificateFactory factory = x509();
        for (Block b : blocks(content, file)) {
            if (b.label().equals("X509 CRL")) {
                try {
                    out.add((X509CRL) factory.generateCRL(new ByteArrayInputStream(b.der())));
                } catch (GeneralSecurityException e) {
                    throw new IOException(
                            file + ": revocation list " + (out.size() + 1) + " cannot be read: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM revocation list (-----BEGIN X509 CRL-----)");
        }
        return out;
    }

    /**
     * The private key in a file readable by its owner only (see {@link SecretFile}).
     *
     * @param password for an {@code ENCRYPTED PRIVATE KEY}; null for a plain one
     */
    public static PrivateKey privateKey(Path file, char @Nullable [] password) throws IOException {
        byte[] content = SecretFile.read(file, "the private key file");
        try {
            return privateKey(blocks(content, file), file, password);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static PrivateKey privateKey(List<Block> blocks, Path file, char @Nullable [] password) throws IOException {
        for (Block b : blocks) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(b.der(), file);
                case "ENCRYPTED PRIVATE KEY":
                    if (password == null) {
                        throw new IOException(
                                "the private key in " + file + " is encrypted, and no password file is configured");
                    }
                    return pkcs8(decrypt(b.der(), password, file), file);
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new IOException("the private key in " + file + " is in the old " + b.label()
                            + " form; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out NEW-FILE (then chmod 600 NEW-FILE)");
                default:
                // certificates in the same file are allowed, and skipped
            }
        }
        throw new IOException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static byte[] decrypt(byte[] der, char[] password, Path file) throws IOException {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters parameters = info.getAlgParameters();
            // For PBES2 (what openssl writes) the JDK names the cipher through the parameters, such as
            // PBEWithHmacSHA256AndAES_256; for the older PBES1 schemes the algorithm name is the cipher.
            String cipherName =
                    info.getAlgName().equals("PBES2") || info.getAlgName().equals("1.2.840.113549.1.5.13")
                            ? parameters.toString()
                            : info.getAlgName();
            var keySpec = new PBEKeySpec(password);
            try {
                Cipher cipher = Cipher.getInstance(cipherName);
                cipher.init(
                        Cipher.DECRYPT_MODE,
                        SecretKeyFactory.getInstance(cipherName).generateSecret(keySpec),
                        parameters);
                return info.getKeySpec(cipher).getEncoded();
            } finally {
                keySpec.clearPassword();
            }
        } catch (InvalidKeySpecException e) {
            throw new IOException("the private key in " + file + " cannot be decrypted: wrong password?");
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("the encrypted private key in " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + "); openssl pkcs8 -topk8 -v2 aes-256-cbc writes one that can");
        }
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        // The algorithm is inside the PKCS#8 structure; trying the kinds the gateway supports is simpler than ASN.1.
        for (String algorithm : List.of("RSA", "EC", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next kind
            }
        }
        throw new IOException("the private key in " + file + " is neither RSA nor EC, or is damaged");
    }

    /** Certificates and revocation lists are public: no permission check, only existence. */
    private static byte[] readPublic(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("the " + what + " " + file + " does not exist or is not a regular file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(
                    "cannot read the " + what + " " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 support", e);
        }
    }
}
