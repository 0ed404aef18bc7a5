package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bedside.authserver.JavaRuntimes;
import org.bedside.authserver.KeycloakProcess;
import org.bedside.authserver.KeycloakRealm;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.common.tls.WallClock;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.uplink.auth.AuthSettings;
import org.bedside.uplink.auth.AuthStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMART Backend Services against a real authorization server: Keycloak 26 (its own distribution, dev mode, a realm
 * made for the test) issues the tokens, and the FHIR sandbox checks them with Keycloak's JWKS (signature, expiry,
 * audience put there by Keycloak's audience mapper, scopes) and publishes Keycloak's token endpoint in its
 * {@code .well-known/smart-configuration}. One Keycloak and one sandbox for the class.
 *
 * <p>Keycloak needs Java 21+: without one, this suite is skipped and says so (the assertion, the token cache and the
 * 401/403 handling are proven without it by AssertionSignerTest, ClientCredentialsTest and SecureSandboxIT).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmartBackendServicesIT {
    private static final String REALM = "bedside";
    private static final String AUDIENCE = "urn:bedside:fhir-sandbox";
    private static final DeviceId DEVICE = DeviceId.of("kc-spo2");

    private static KeycloakProcess keycloak;
    private static FhirSandboxProcess sandbox;
    private static Path keys;
    private static RSAKey rs384;
    private static ECKey es384;
    private static RSAKey shortLived;
    private static RSAKey revoked;
    private static RSAKey replacement;
    private static Path secretFile;

    @TempDir
    Path dir;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        Optional<Path> javaHome = KeycloakProcess.java();
        if (javaHome.isEmpty()) {
            System.err.println("SKIPPED SmartBackendServicesIT: " + JavaRuntimes.missing(KeycloakProcess.JAVA_FEATURE));
        }
        assumeTrue(javaHome.isPresent(), () -> JavaRuntimes.missing(KeycloakProcess.JAVA_FEATURE));
        keys = Files.createDirectories(work.resolve("keys"));
        rs384 = rsa();
        es384 = new ECKeyGenerator(Curve.P_384)
                .keyUse(KeyUse.SIGNATURE)
                .keyIDFromThumbprint(true)
                .generate();
        shortLived = rsa();
        revoked = rsa();
        replacement = rsa();
        secretFile = secret(keys.resolve("client-secret"), "s3cret-" + Long.toHexString(System.nanoTime()));

        keycloak = KeycloakProcess.start(KeycloakProcess.Options.in(work.resolve("keycloak")));
        System.err.println("Keycloak ready in " + keycloak.lastBoot().toMillis() + " ms at " + keycloak.baseUrl());
        keycloak.createRealm(KeycloakRealm.named(REALM, AUDIENCE)
                .tokenLifetime(Duration.ofMinutes(5))
                .privateKeyJwtClient("gw-rs384", jwks(rs384), "RS384", KeycloakRealm.SMART_SCOPES)
                .privateKeyJwtClient("gw-es384", jwks(es384), "ES384", KeycloakRealm.SMART_SCOPES)
                .secretClient(
                        "gw-secret",
                        Files.readString(secretFile).trim(),
                        Stream.concat(KeycloakRealm.SMART_SCOPES.stream(), Stream.of("system/Observation.rs"))
                                .toList())
                .privateKeyJwtClient("gw-narrow", jwks(rs384), "RS384", List.of("system/Patient.rs"))
                .tokenLifetime(Duration.ofSeconds(10))
                .privateKeyJwtClient("gw-short", jwks(shortLived), "RS384", KeycloakRealm.SMART_SCOPES)
                .privateKeyJwtClient("gw-revoked", jwks(revoked), "RS384", KeycloakRealm.SMART_SCOPES)
                .tokenLifetime(Duration.ofMinutes(5))
                .json());
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(work.resolve("sandbox"))
                .withStartTimeout(Duration.ofMinutes(5)) // beside a running Keycloak on two busy cores
                .withSeedPatients("kc-rs", "kc-long", "kc-revoked", "kc-down")
                .withServerArgs(
                        "--jwks-url", keycloak.jwksUrl(REALM),
                        "--issuer", keycloak.issuer(REALM),
                        "--audience", AUDIENCE,
                        "--token-endpoint", keycloak.tokenEndpoint(REALM)));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** Keycloak takes only keys marked for signatures ("use": "sig") from a client's JWKS. */
    private static RSAKey rsa() throws Exception {
        return new RSAKeyGenerator(2048)
                .keyUse(KeyUse.SIGNATURE)
                .keyIDFromThumbprint(true)
                .generate();
    }

    private static String jwks(JWK key) {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    private static Path secret(Path file, String content) throws Exception {
        Path temp = Files.createTempFile(file.getParent(), "secret", ".tmp");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(temp, content + "\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static Path keyFile(String name, JWK key) throws Exception {
        byte[] der = key instanceof RSAKey r
                ? r.toPrivateKey().getEncoded()
                : ((ECKey) key).toPrivateKey().getEncoded();
        return secret(
                keys.resolve(name),
                "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
                        + "\n-----END PRIVATE KEY-----");
    }

    /** Fast back-off so that the test sees recovery within seconds. */
    private static AuthSettings quick(AuthSettings s) {
        return s.withTimes(Duration.ofMinutes(4), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(1));
    }

    private static UplinkSecurity security(AuthSettings auth) throws Exception {
        return UplinkSecurity.open(
                URI.create(sandbox.baseUrl()), null, auth, WallClock.system(), Duration.ofSeconds(30));
    }

    private static UplinkSettings settings(String gateway, UplinkSecurity security) {
        return new UplinkSettings(
                        URI.create(sandbox.baseUrl()),
                        gateway,
                        Duration.ZERO,
                        100,
                        Duration.ofSeconds(30),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(2),
                        UplinkSettings.DEFAULT_IDENTIFIER_SYSTEM)
                .withSecurity(security);
    }

    private static Map<DeviceId, DeviceContext> devices(String patient) {
        return Map.of(DEVICE, new DeviceContext(DEVICE, "Oximeter", "Masimo", "Pulse oximeter", "Patient/" + patient));
    }

    private static void append(ReadingStore store, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Instant t = Instant.now();
            store.append(List.of(new NumericReading(
                    DEVICE, Metrics.SPO2, BigDecimal.valueOf(96), UcumUnit.PERCENT, Quality.VALID, t, t)));
        }
    }

    private static volatile UplinkSecurity reader;

    /**
     * Counted by the server, with a token of the secret client (which may also search Observations); -1 while that
     * token is refused (after Keycloak's restart, until a new one is fetched).
     */
    private static int count(String patient) {
        try {
            UplinkSecurity r = reader;
            if (r == null) {
                r = security(quick(
                        AuthSettings.clientSecret(AuthSettings.Method.CLIENT_SECRET_BASIC, "gw-secret", secretFile)));
                reader = r;
            }
            if (!(r.authorization().credential() instanceof org.bedside.uplink.auth.Credential.Bearer token)) {
                reader = null;
                return -1;
            }
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Observation?_summary=count&subject="
                                            + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8)))
                                    .header("Authorization", token.header())
                                    .header("Cache-Control", "no-cache")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                reader = null;
                return -1;
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return FhirContext.forR4Cached()
                    .newJsonParser()
                    .parseResource(Bundle.class, response.body())
                    .getTotal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static UploadResult sendEmpty(UplinkSecurity security) {
        return new FhirUploader(settings("kc-direct", security), FhirContext.forR4Cached())
                .send(new Bundle().setType(Bundle.BundleType.TRANSACTION));
    }

    @Test
    void chartsWithRs384Es384AndAClientSecret() throws Exception {
        // RS384, the token endpoint discovered from the sandbox's SMART configuration.
        UplinkSecurity rs = security(quick(AuthSettings.privateKeyJwt("gw-rs384", keyFile("rs384.pem", rs384))));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("rs"));
                UplinkWorker worker = new UplinkWorker(
                        settings("kc-rs", rs),
                        store,
                        devices("kc-rs"),
                        new DeadLetterStore(dir.resolve("dl-rs")),
                        InstantSource.system())) {
            append(store, 3);
            worker.start();
            Await.until(
                    "charted with RS384: " + worker.status().detail(),
                    Duration.ofSeconds(90),
                    () -> count("kc-rs") == 3);
        }
        AuthStatus status = rs.authorization().status();
        assertThat(status.tokenEndpoint()).isEqualTo(keycloak.tokenEndpoint(REALM));
        assertThat(status.grantedScope()).contains("system/Observation.c");

        // ES384 (a P-384 key), the token endpoint configured.
        UplinkSecurity es = security(quick(AuthSettings.privateKeyJwt("gw-es384", keyFile("es384.pem", es384))
                .withKey(keys.resolve("es384.pem"), "ES384", es384.getKeyID())
                .withTokenEndpoint(URI.create(keycloak.tokenEndpoint(REALM)))));
        assertThat(sendEmpty(es)).isInstanceOf(UploadResult.Accepted.class);
        assertThat(es.authorization().status().state()).isEqualTo(AuthStatus.State.READY);

        // A client secret, Basic and form.
        for (AuthSettings.Method m :
                List.of(AuthSettings.Method.CLIENT_SECRET_BASIC, AuthSettings.Method.CLIENT_SECRET_POST)) {
            UplinkSecurity secret = security(quick(AuthSettings.clientSecret(m, "gw-secret", secretFile)));
            assertThat(sendEmpty(secret)).as(m.name()).isInstanceOf(UploadResult.Accepted.class);
        }
    }

    @Test
    void aScopeTheClientMayNotHaveIsAStateNamingIt() throws Exception {
        UplinkSecurity narrow = security(quick(AuthSettings.privateKeyJwt("gw-narrow", keyFile("narrow.pem", rs384))));
        UploadResult r = sendEmpty(narrow);
        assertThat(r).isInstanceOf(UploadResult.Misdirected.class);
        assertThat(((UploadResult.Misdirected) r).reason())
                .contains("invalid_scope")
                .contains("gw-narrow");
        assertThat(narrow.authorization().status().state()).isEqualTo(AuthStatus.State.CLIENT_REFUSED);
    }

    @Test
    void renewsShortLivedTokensDuringALongRunWithoutARefusal() throws Exception {
        UplinkSecurity s = security(quick(AuthSettings.privateKeyJwt("gw-short", keyFile("short.pem", shortLived))));
        AtomicInteger appended = new AtomicInteger();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("long"));
                UplinkWorker worker = new UplinkWorker(
                        settings("kc-long", s),
                        store,
                        devices("kc-long"),
                        new DeadLetterStore(dir.resolve("dl-long")),
                        InstantSource.system())) {
            worker.start();
            // A device sending a reading a second for about 30 s: three to four 10 s tokens.
            Thread device = new Thread(() -> {
                try {
                    for (int i = 0; i < 30; i++) {
                        append(store, 1);
                        appended.incrementAndGet();
                        Thread.sleep(1000); // the device's own pace, not a synchronisation
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            device.start();
            device.join();
            Await.until("everything charted", Duration.ofSeconds(90), () -> count("kc-long") == appended.get());
            assertThat(s.authorization().status().tokensIssued()).isGreaterThanOrEqualTo(3);
            assertThat(worker.status().retries())
                    .as("renewed before expiry: no 401 ever")
                    .isZero();
        }
    }

    @Test
    void aRevokedKeyIsAStateThatDoesNotHammerAndARotatedKeyChartsAgain() throws Exception {
        Path key = keyFile("revoked.pem", revoked);
        UplinkSecurity s = security(quick(AuthSettings.privateKeyJwt("gw-revoked", key)));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("rev"));
                UplinkWorker worker = new UplinkWorker(
                        settings("kc-revoked", s),
                        store,
                        devices("kc-revoked"),
                        new DeadLetterStore(dir.resolve("dl-rev")),
                        InstantSource.system())) {
            append(store, 1);
            worker.start();
            Await.until("charted with the first key", Duration.ofSeconds(60), () -> count("kc-revoked") == 1);

            // The hospital revokes the key (replaces the client's JWKS); the 10 s token runs out.
            keycloak.setClientAttribute(REALM, "gw-revoked", "jwks.string", jwks(replacement));
            // A reading that needs a new token: the cached one (10 s) must have run out first.
            Instant ends = s.authorization().status().tokenExpiresAt();
            Await.until(
                    "the token to run out",
                    Duration.ofSeconds(30),
                    () -> ends == null || Instant.now().isAfter(ends));
            append(store, 2);
            Await.until(
                    "the refusal named",
                    Duration.ofSeconds(60),
                    () -> s.authorization().status().state() == AuthStatus.State.CLIENT_REFUSED);
            assertThat(s.authorization().status().detail())
                    .contains("invalid_client")
                    .contains("gw-revoked");
            long requestsAtRefusal = s.authorization().status().tokenRequests();
            // Waits, not timings: a loaded machine stretches each back-off and each of Keycloak's answers.
            Await.until(
                    "a while of refusals",
                    Duration.ofSeconds(90),
                    () -> worker.status().retries() >= 5);
            assertThat(s.authorization().status().tokenRequests() - requestsAtRefusal)
                    .as("back-off: the token endpoint is not asked at every retry")
                    .isLessThan(worker.status().retries());
            assertThat(count("kc-revoked")).isEqualTo(1);
            assertThat(worker.status().deadLettered()).isZero();

            // The new key arrives in the same file: used at the next attempt, no restart.
            keyFile("revoked.pem", replacement);
            Await.until("charted with the rotated key", Duration.ofSeconds(90), () -> count("kc-revoked") == 3);
        }
    }

    @Test
    @Order(99) // last: it stops Keycloak
    void theAuthorizationServerDownForAWhileLosesNothing() throws Exception {
        UplinkSecurity s = security(quick(AuthSettings.privateKeyJwt("gw-short", keyFile("down.pem", shortLived))));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("down"));
                UplinkWorker worker = new UplinkWorker(
                        settings("kc-down", s),
                        store,
                        devices("kc-down"),
                        new DeadLetterStore(dir.resolve("dl-down")),
                        InstantSource.system())) {
            append(store, 1);
            worker.start();
            Await.until("charted", Duration.ofSeconds(60), () -> count("kc-down") == 1);

            keycloak.stop();
            try {
                // Readings that need a new token: the 10 s one has run out.
                Instant ends = s.authorization().status().tokenExpiresAt();
                Await.until(
                        "the token to run out",
                        Duration.ofSeconds(30),
                        () -> ends == null || Instant.now().isAfter(ends));
                append(store, 4);
                // The authorization's state changes first; the consumer's detail follows when its attempt returns.
                String named = "cannot reach the authorization server " + keycloak.tokenEndpoint(REALM);
                Await.until(
                        "the outage named",
                        Duration.ofSeconds(120),
                        () -> s.authorization().status().state() == AuthStatus.State.UNREACHABLE
                                && worker.status().detail().contains(named));
                assertThat(store.pendingRecords(UplinkWorker.CURSOR)).isEqualTo(4);

            } finally {
                // Back, with new signing keys (an in-memory realm made again): the sandbox fetches them for the new
                // kid.
                keycloak.restart();
            }
            Await.until(
                    "charted once it is back: " + worker.status().detail(),
                    Duration.ofSeconds(120),
                    () -> count("kc-down") == 5);
            assertThat(worker.status().deadLettered()).isZero();
        }
    }
}
