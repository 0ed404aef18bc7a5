package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.bedside.sandbox.FhirSandboxProcess;
import org.bedside.sim.pki.TestPki;
import org.bedside.uplink.auth.AuthSettings;
import org.bedside.uplink.auth.AuthStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uplink against the real FHIR sandbox as a hospital runs it: HTTPS with a certificate from the test PKI, client
 * certificates demanded (mutual TLS), and every request's bearer token checked (signature by a JWKS, expiry,
 * audience, scopes). The tokens here are made by the test and given to the gateway in a file (the static bearer
 * method), so this suite needs no authorization server and always runs; the SMART suites against Keycloak build on it.
 * One sandbox for the class (about 25 s to boot).
 */
class SecureSandboxIT {
    private static final String AUDIENCE = "urn:bedside:test-fhir";
    private static final DeviceId DEVICE = DeviceId.of("sec-spo2");

    private static FhirSandboxProcess sandbox;
    private static TestPki pki;
    private static TestPki.Issued gateway;
    private static ECKey signingKey;
    private static Path pkiDir;
    private static final List<String> secrets = new ArrayList<>();
    private static final List<String> said = new ArrayList<>();
    private static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private static PrintStream originalErr;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path work) throws Exception {
        originalErr = System.err;
        // slf4j-simple writes to whatever System.err is at the time: a copy of every log line of this class.
        System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
        pkiDir = work.resolve("pki");
        pki = TestPki.create(pkiDir, "hospital");
        TestPki.Issued server = pki.server("fhir", "127.0.0.1");
        gateway = pki.client("icu-gw-12");
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("sandbox-test-key").generate();
        Path jwks = work.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(signingKey.toPublicJWK()).toString());
        secrets.add(base64Body(Files.readString(gateway.keyFile())));
        sandbox = FhirSandboxProcess.start(FhirSandboxProcess.Options.in(work.resolve("sandbox"))
                .withSeedPatients("sec-ok", "sec-expired", "sec-scope")
                .withServerArgs(
                        "--https-cert", server.certificateFile().toString(),
                        "--https-key", server.keyFile().toString(),
                        "--client-ca", pki.caFile().toString(),
                        "--jwks-file", jwks.toString(),
                        "--audience", AUDIENCE));
        assertThat(sandbox.baseUrl()).startsWith("https://127.0.0.1:");
    }

    @AfterAll
    static void stop() throws Exception {
        if (sandbox != null) {
            sandbox.close();
            // The sandbox's log is checked too: it must not have written a token.
            said.add(Files.readString(sandbox.logFile()));
        }
        System.setErr(originalErr);
        said.add(logs.toString(StandardCharsets.UTF_8));
        for (String s : said) {
            for (String secret : secrets) {
                for (int i = 0; i + 24 <= secret.length(); i += 24) {
                    assertThat(s)
                            .as("a secret leaked into a message or log")
                            .doesNotContain(secret.substring(i, i + 24));
                }
            }
        }
    }

    private static String token(List<String> scopes, Instant expires) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(signingKey.getKeyID())
                        .build(),
                new JWTClaimsSet.Builder()
                        .issuer("urn:test-issuer")
                        .subject("bedside-gateway")
                        .audience(AUDIENCE)
                        .expirationTime(Date.from(expires))
                        .claim("scope", String.join(" ", scopes))
                        .build());
        jwt.sign(new ECDSASigner(signingKey));
        String t = jwt.serialize();
        secrets.add(t);
        return t;
    }

    private static String goodToken() throws Exception {
        return token(AuthSettings.SMART_V2_SCOPES, Instant.now().plus(Duration.ofHours(1)));
    }

    private Path tokenFile(String token) throws Exception {
        Path file = dir.resolve("token");
        Path temp = Files.createTempFile(dir, "token", ".tmp");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(temp, token + "\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static TlsSettings mutualTls() {
        return TlsSettings.trusting(pki.caFile())
                .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null);
    }

    private static UplinkSettings settings(URI base, String gatewayId, UplinkSecurity security) {
        return new UplinkSettings(
                        base,
                        gatewayId,
                        Duration.ZERO,
                        100,
                        Duration.ofSeconds(30),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(2),
                        UplinkSettings.DEFAULT_IDENTIFIER_SYSTEM)
                .withSecurity(security);
    }

    private static UplinkSecurity security(TlsSettings tls, AuthSettings auth, WallClock clock) throws Exception {
        return UplinkSecurity.open(URI.create(sandbox.baseUrl()), tls, auth, clock, Duration.ofSeconds(30));
    }

    private static AuthSettings bearer(Path file) {
        return AuthSettings.bearerFile(file)
                .withTimes(
                        Duration.ofMinutes(4), Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    /** Counted by the server, read over mutual TLS with a reading token; each test charts its own patient. */
    private static int count(String patient) {
        try {
            var tls = org.bedside.common.tls.TlsClient.open("count", mutualTls(), WallClock.system());
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(tls.sslContext())
                    .sslParameters(tls.sslParameters())
                    .build();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/Observation?_summary=count&subject="
                                    + URLEncoder.encode("Patient/" + patient, StandardCharsets.UTF_8)))
                            .header(
                                    "Authorization",
                                    "Bearer "
                                            + token(
                                                    List.of("system/Observation.rs"),
                                                    Instant.now().plusSeconds(300)))
                            .header("Cache-Control", "no-cache")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return FhirContext.forR4Cached()
                    .newJsonParser()
                    .parseResource(Bundle.class, r.body())
                    .getTotal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void appendReadings(ReadingStore store, int n) throws Exception {
        Instant t0 = Instant.now().minusSeconds(n);
        for (int i = 0; i < n; i++) {
            Instant t = t0.plusSeconds(i);
            store.append(List.of(new NumericReading(
                    DEVICE, Metrics.SPO2, BigDecimal.valueOf(95), UcumUnit.PERCENT, Quality.VALID, t, t)));
        }
    }

    private static Map<DeviceId, DeviceContext> devices(String patient) {
        return Map.of(
                DEVICE, new DeviceContext(DEVICE, "Secure oximeter", "Masimo", "Pulse oximeter", "Patient/" + patient));
    }

    /** One Bundle straight through the uploader, for the refusals that need no buffer. */
    private static UploadResult sendOne(UplinkSecurity security, URI base) {
        var uploader = new FhirUploader(settings(base, "sec-direct", security), FhirContext.forR4Cached());
        UploadResult r = uploader.send(new Bundle().setType(Bundle.BundleType.TRANSACTION));
        if (r instanceof UploadResult.Retry retry) {
            said.add(retry.reason());
        } else if (r instanceof UploadResult.Misdirected m) {
            said.add(m.reason());
        }
        said.add(security.authorization().status().toString());
        if (security.tls() != null) {
            said.add(security.tls().status().toString());
        }
        return r;
    }

    private static URI base() {
        return URI.create(sandbox.baseUrl());
    }

    @Test
    void chartsOverMutualTlsWithAValidToken() throws Exception {
        UplinkSecurity security = security(mutualTls(), bearer(tokenFile(goodToken())), WallClock.system());
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                UplinkWorker worker = new UplinkWorker(
                        settings(base(), "sec-ok", security),
                        store,
                        devices("sec-ok"),
                        new DeadLetterStore(dir.resolve("dl")),
                        InstantSource.system())) {
            appendReadings(store, 5);
            worker.start();
            Await.until("five charted: " + worker.status(), Duration.ofSeconds(60), () -> count("sec-ok") == 5);
            assertThat(security.authorization().status().state()).isEqualTo(AuthStatus.State.READY);
            assertThat(security.tls().status().certificates())
                    .anySatisfy(c -> assertThat(c.subject()).contains("CN=fhir"));
        }
    }

    @Test
    void withoutATokenTheRefusalIsNamedAndNothingIsRejected() throws Exception {
        UploadResult r = sendOne(security(mutualTls(), AuthSettings.none(), WallClock.system()), base());
        // A refusal only a person can fix: the uplink's state is MISCONFIGURED, the Bundle is kept and tried again.
        assertThat(r).isInstanceOf(UploadResult.Misdirected.class);
        assertThat(((UploadResult.Misdirected) r).reason())
                .contains("the FHIR server wants a token")
                .contains("HTTP 401")
                .contains("no bearer token");
    }

    @Test
    void anExpiredTokenIsNamedAndANewOneInTheFileIsTakenWithoutARestart() throws Exception {
        Path file = tokenFile(token(AuthSettings.SMART_V2_SCOPES, Instant.now().minus(Duration.ofMinutes(10))));
        UplinkSecurity security = security(mutualTls(), bearer(file), WallClock.system());
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                UplinkWorker worker = new UplinkWorker(
                        settings(base(), "sec-expired", security),
                        store,
                        devices("sec-expired"),
                        new DeadLetterStore(dir.resolve("dl")),
                        InstantSource.system())) {
            appendReadings(store, 3);
            worker.start();
            Await.until(
                    "the refusal named",
                    Duration.ofSeconds(60),
                    () -> worker.status().detail().contains("Expired JWT"));
            said.add(worker.status().detail());
            assertThat(worker.status().state()).isEqualTo(UplinkStatus.State.MISCONFIGURED);
            assertThat(worker.status().detail()).contains("invalid_token").contains(file.toString());
            assertThat(security.authorization().status().state()).isEqualTo(AuthStatus.State.TOKEN_REFUSED);
            assertThat(worker.status().deadLettered()).isZero();
            assertThat(store.pendingRecords(UplinkWorker.CURSOR)).isEqualTo(3);

            tokenFile(goodToken());
            Await.until("charted with the new token", Duration.ofSeconds(60), () -> count("sec-expired") == 3);
            Await.until("committed", Duration.ofSeconds(10), () -> pendingOf(store) == 0);
        }
    }

    @Test
    void aTokenWithoutTheWriteScopeIsAStateNamingTheScopeAndTheReadingsAreKept() throws Exception {
        Path file = tokenFile(token(
                List.of("system/Patient.rs", "system/Device.c"), Instant.now().plus(Duration.ofHours(1))));
        UplinkSecurity security = security(mutualTls(), bearer(file), WallClock.system());
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                UplinkWorker worker = new UplinkWorker(
                        settings(base(), "sec-scope", security),
                        store,
                        devices("sec-scope"),
                        new DeadLetterStore(dir.resolve("dl")),
                        InstantSource.system())) {
            appendReadings(store, 4);
            worker.start();
            Await.until(
                    "the missing scope named",
                    Duration.ofSeconds(60),
                    () -> worker.status().detail().contains("system/Observation.c"));
            said.add(worker.status().detail());
            assertThat(worker.status().detail()).contains("HTTP 403").contains("insufficient_scope");
            assertThat(worker.status().state()).isEqualTo(UplinkStatus.State.MISCONFIGURED);
            assertThat(security.authorization().status().state()).isEqualTo(AuthStatus.State.FORBIDDEN);
            assertThat(count("sec-scope")).isZero();
            assertThat(worker.status().deadLettered()).isZero();
            assertThat(store.pendingRecords(UplinkWorker.CURSOR)).isEqualTo(4);

            tokenFile(goodToken());
            Await.until("charted once the scope is there", Duration.ofSeconds(60), () -> count("sec-scope") == 4);
        }
    }

    @Test
    void tlsRefusalsAgainstTheSandboxNameTheCertificateAndTheCause() throws Exception {
        AuthSettings auth = bearer(tokenFile(goodToken()));
        int port = base().getPort();

        // Connected by a name the certificate does not list.
        UploadResult wrongHost = sendOne(
                security(mutualTls(), auth, WallClock.system()), URI.create("https://localhost:" + port + "/fhir"));
        assertThat(((UploadResult.Retry) wrongHost).reason()).contains("is for 127.0.0.1, not for localhost");

        // Trusting another CA.
        TestPki other = TestPki.create(dir.resolve("other"), "elsewhere");
        UploadResult unknown = sendOne(
                security(
                        TlsSettings.trusting(other.caFile())
                                .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null),
                        auth,
                        WallClock.system()),
                base());
        assertThat(((UploadResult.Retry) unknown).reason())
                .contains("CN=hospital test CA")
                .contains("not among the trusted CAs in " + other.caFile());

        // No client certificate for a server that demands one.
        UploadResult anonymous =
                sendOne(security(TlsSettings.trusting(pki.caFile()), auth, WallClock.system()), base());
        assertThat(((UploadResult.Retry) anonymous).reason())
                .contains("refused this box's client certificate")
                .contains("none is configured");

        // The box's clock says 2020 and NTP has not answered.
        Instant wrong = Instant.parse("2020-06-01T00:00:00Z");
        UploadResult clock = sendOne(
                security(
                        mutualTls(),
                        auth,
                        WallClock.of(() -> wrong, () -> Optional.of("systemd-timesyncd has not synchronised it yet"))),
                base());
        assertThat(((UploadResult.Retry) clock).reason())
                .contains("CN=fhir")
                .contains("is not valid yet at the box's clock, 2020-06-01T00:00:00Z")
                .contains("systemd-timesyncd has not synchronised it yet");
    }

    private static long pendingOf(ReadingStore store) {
        try {
            return store.pendingRecords(UplinkWorker.CURSOR);
        } catch (Exception e) {
            return -1;
        }
    }

    private static String base64Body(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    /** Copies everything written to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
