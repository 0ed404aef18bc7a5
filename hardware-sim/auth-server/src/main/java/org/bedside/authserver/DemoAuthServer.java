package org.bedside.authserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import org.bedside.sim.pki.TestPki;

/**
 * The authorization side of {@code ./bedside demo --secure}: a certificate authority for the demo (the FHIR sandbox's
 * HTTPS certificate, which the gateway trusts through the CA file), a key for the gateway's SMART Backend Services
 * client, and Keycloak with a realm whose client {@code demo-gw} authenticates by a JWT signed with that key.
 *
 * <pre>
 * java -cp 'hardware-sim/auth-server/target/lib/*' org.bedside.authserver.DemoAuthServer --dir DIR \
 *     --audience urn:bedside:demo-fhir --ready-file DIR/auth.ready
 * </pre>
 *
 * Writes {@code DIR/pki/demo-ca.pem}, {@code DIR/pki/fhir.pem} and {@code fhir-key.pem} (for 127.0.0.1 and
 * localhost), {@code DIR/gateway-client-key.pem} (PKCS#8, mode 0600) at once; then starts Keycloak (Java 21+, 15 s to
 * several minutes) and, once the realm is made, the ready file: {@code token-endpoint=}, {@code jwks-url=}, {@code
 * issuer=}, {@code client-id=} lines. Runs until stopped; stops Keycloak on the way out.
 */
public final class DemoAuthServer {
    public static final String REALM = "bedside-demo";
    public static final String CLIENT_ID = "demo-gw";

    private DemoAuthServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        Path ready = null;
        String audience = "urn:bedside:demo-fhir";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--ready-file" -> ready = Path.of(args[i + 1]);
                case "--audience" -> audience = args[i + 1];
                default -> usage("unexpected argument " + args[i]);
            }
        }
        if (dir == null || ready == null || args.length % 2 != 0) {
            usage("--dir and --ready-file are required");
            return;
        }
        if (KeycloakProcess.java().isEmpty()) {
            System.err.println("demo --secure: " + JavaRuntimes.missing(KeycloakProcess.JAVA_FEATURE));
            System.exit(3);
        }
        Files.createDirectories(dir);
        TestPki pki = TestPki.create(dir.resolve("pki"), "demo");
        pki.server("fhir", "127.0.0.1", "localhost");
        RSAKey key = new RSAKeyGenerator(2048)
                .keyUse(KeyUse.SIGNATURE)
                .keyIDFromThumbprint(true)
                .generate();
        writeOwnerOnly(dir.resolve("gateway-client-key.pem"), pkcs8(key));
        System.out.println("pki: " + pki.caFile());

        KeycloakProcess keycloak = KeycloakProcess.start(KeycloakProcess.Options.in(dir.resolve("keycloak")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            keycloak.close();
            stopped.countDown();
        }));
        keycloak.createRealm(KeycloakRealm.named(REALM, audience)
                .tokenLifetime(Duration.ofMinutes(5))
                .privateKeyJwtClient(
                        CLIENT_ID, new JWKSet(key.toPublicJWK()).toString(), "RS384", KeycloakRealm.SMART_SCOPES)
                .json());
        String text = "token-endpoint=" + keycloak.tokenEndpoint(REALM) + "\njwks-url=" + keycloak.jwksUrl(REALM)
                + "\nissuer=" + keycloak.issuer(REALM) + "\nclient-id=" + CLIENT_ID + "\n";
        Path temp = Files.createTempFile(ready.toAbsolutePath().getParent(), "auth", ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("auth: " + keycloak.tokenEndpoint(REALM) + " (Keycloak ready in "
                + keycloak.lastBoot().toSeconds() + " s)");
        stopped.await();
    }

    private static String pkcs8(RSAKey key) throws JOSEException {
        byte[] der = key.toPrivateKey().getEncoded();
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "key", ".tmp");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void usage(String problem) {
        System.err.println("DemoAuthServer: " + problem + " (usage: --dir DIR --ready-file FILE [--audience URI])");
        System.exit(2);
    }
}
