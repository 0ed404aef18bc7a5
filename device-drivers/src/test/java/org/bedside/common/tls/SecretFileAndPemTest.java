package org.bedside.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets from files: who may read them, the PEM forms a key comes in, and messages that never hold the secret. */
class SecretFileAndPemTest {
    @TempDir
    Path dir;

    private Path write(String name, String content, String mode) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    @Test
    void refusesASecretThatGroupOrOthersCanReadAndSaysHowToFixIt() throws Exception {
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            Path secret = write("client-secret", "s3cr3t-value-never-shown", mode);
            IOException e = catchThrowableOfType(IOException.class, () -> SecretFile.read(secret, "the client secret"));
            assertThat(e.getMessage())
                    .as(mode)
                    .contains("the client secret " + secret)
                    .contains(mode)
                    .contains("chmod 600 " + secret)
                    .doesNotContain("s3cr3t");
        }
        Path ok = write("ok-secret", "s3cr3t\n", "rw-------");
        assertThat(SecretFile.readText(ok, "the client secret")).isEqualTo("s3cr3t");
        assertThat(SecretFile.readText(write("ro-secret", "x", "r--------"), "the token"))
                .isEqualTo("x");
    }

    @Test
    void namesAMissingOrEmptySecretFile() throws Exception {
        Path missing = dir.resolve("nope");
        assertThat(catchThrowableOfType(IOException.class, () -> SecretFile.read(missing, "the token file")))
                .hasMessage("the token file " + missing + " does not exist");
        Path empty = write("empty", "\n", "rw-------");
        assertThat(catchThrowableOfType(IOException.class, () -> SecretFile.readText(empty, "the token file")))
                .hasMessage("the token file " + empty + " is empty");
    }

    @Test
    void readsPkcs8KeysPlainAndEncryptedRsaAndEc() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            Path plain = write(
                    algorithm + "-key.pem", pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
            assertThat(PemFiles.privateKey(plain, null)).isEqualTo(pair.getPrivate());

            char[] password = "correct horse".toCharArray();
            Path encrypted = write(
                    algorithm + "-enc.pem",
                    pem("ENCRYPTED PRIVATE KEY", encrypt(pair.getPrivate().getEncoded(), password)),
                    "rw-------");
            assertThat(PemFiles.privateKey(encrypted, password)).isEqualTo(pair.getPrivate());
            assertThat(catchThrowableOfType(
                            IOException.class, () -> PemFiles.privateKey(encrypted, "wrong".toCharArray())))
                    .hasMessageContaining(encrypted.toString());
            assertThat(catchThrowableOfType(IOException.class, () -> PemFiles.privateKey(encrypted, null)))
                    .hasMessageContaining("is encrypted, and no password file is configured");
        }
    }

    @Test
    void refusesTheOldKeyFormsWithTheConversionCommand() throws Exception {
        Path old = write(
                "old.pem",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n",
                "rw-------");
        IOException e = catchThrowableOfType(IOException.class, () -> PemFiles.privateKey(old, null));
        assertThat(e.getMessage())
                .contains("openssl pkcs8 -topk8 -nocrypt -in " + old)
                .doesNotContain("MIIBOgIBAAJBAK");
    }

    @Test
    void namesAFileThatHoldsNoCertificateOrAKeyInstead() throws Exception {
        Path garbage = write("garbage.pem", "hello\n", "rw-r--r--");
        assertThat(catchThrowableOfType(IOException.class, () -> PemFiles.certificates(garbage)))
                .hasMessage(garbage + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        String body = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
        Path key = write("key-as-cert.pem", body, "rw-------");
        IOException e = catchThrowableOfType(IOException.class, () -> PemFiles.certificates(key));
        assertThat(e.getMessage()).contains("holds a private key").doesNotContain(body.substring(30, 60));
    }

    /** An encrypted PKCS#8 key as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes it (PBES2). */
    private static byte[] encrypt(byte[] pkcs8, char[] password) throws Exception {
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        var spec = new PBEParameterSpec(salt, 10_000, new javax.crypto.spec.IvParameterSpec(iv));
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(
                Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password)),
                spec);
        byte[] encrypted = cipher.doFinal(pkcs8);
        AlgorithmParameters parameters = cipher.getParameters();
        // EncryptedPrivateKeyInfo cannot name PBES2 from the JDK's parameters, so the DER is put together here:
        // SEQUENCE { SEQUENCE { OID pkcs5PBES2 (1.2.840.113549.1.5.13), PBES2-params }, OCTET STRING }.
        byte[] oid = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
        byte[] algorithmId = der(0x30, concat(oid, parameters.getEncoded()));
        byte[] info = der(0x30, concat(algorithmId, der(0x04, encrypted)));
        new EncryptedPrivateKeyInfo(info); // parses: the form is right
        return info;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 128
                ? new byte[] {(byte) n}
                : n < 256 ? new byte[] {(byte) 0x81, (byte) n} : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(concat(new byte[] {(byte) tag}, length), content);
    }
}
