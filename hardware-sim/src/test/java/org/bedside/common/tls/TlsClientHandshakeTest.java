package org.bedside.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.bedside.drivers.testing.Await;
import org.bedside.sim.pki.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TlsClient} against a real TLS server (the JDK's HTTPS server) with certificates from the test PKI: what is
 * accepted, what is refused, and that every refusal is one sentence naming the certificate, its validity and the
 * cause. Each server starts in milliseconds, so each case gets its own.
 */
class TlsClientHandshakeTest {
    @TempDir
    Path dir;

    private TestPki ca;
    /** Every message the client produced, checked at the end of the secret-leak test. */
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void makeCa() {
        ca = TestPki.create(dir.resolve("pki"), "bedside-test");
    }

    private static String get(TlsClient tls, int port) throws IOException, InterruptedException {
        return get(tls, "127.0.0.1", port);
    }

    private static String get(TlsClient tls, String host, int port) throws IOException, InterruptedException {
        // A new HttpClient each time: a new connection, so a new handshake.
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls.sslContext())
                .sslParameters(tls.sslParameters())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The failure of one GET, explained by the client. */
    private String refusal(TlsClient tls, String host, int port) {
        Throwable failure = catchThrowable(() -> get(tls, host, port));
        assertThat(failure).as("the connection must fail").isInstanceOf(IOException.class);
        String sentence = tls.explain(failure, host + ":" + port);
        assertThat(sentence)
                .as("a TLS failure is explained: %s", causes(failure))
                .isNotNull();
        said.add(sentence);
        return sentence;
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(" <- ").append(c);
        }
        return b.toString();
    }

    private static WallClock doubtedClock(Instant reads) {
        return WallClock.of(() -> reads, () -> Optional.of("it reads " + reads + ", earlier than this release"));
    }

    @Test
    void acceptsAServerIssuedByTheTrustedCaAndVerifiesItsName() throws Exception {
        TestPki.Issued server = ca.server("fhir", "localhost", "127.0.0.1");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(get(tls, s.port())).isEqualTo("anonymous");
            assertThat(get(tls, "localhost", s.port())).isEqualTo("anonymous");
            assertThat(tls.status().certificates())
                    .anySatisfy(c -> assertThat(c.role()).isEqualTo(TlsStatus.Role.SERVER_CERTIFICATE))
                    .anySatisfy(c -> assertThat(c.role()).isEqualTo(TlsStatus.Role.TRUSTED_CA));
            assertThat(tls.sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(tls.sslParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        }
    }

    @Test
    void presentsTheClientCertificateForMutualTlsAndExplainsWhenThereIsNone() throws Exception {
        TestPki.Issued server = ca.server("fhir", "127.0.0.1");
        TestPki.Issued gateway = ca.client("icu-gw-12");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), ca.caFile(), TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient mutual = TlsClient.open(
                    "fhir",
                    TlsSettings.trusting(ca.caFile())
                            .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null),
                    WallClock.system());
            assertThat(get(mutual, s.port())).endsWith("CN=icu-gw-12");

            TlsClient anonymous = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(refusal(anonymous, "127.0.0.1", s.port()))
                    .contains("127.0.0.1:" + s.port())
                    .contains("refused this box's client certificate")
                    .contains("none is configured");
        }
    }

    @Test
    void explainsAClientCertificateFromAnIssuerTheServerDoesNotAccept() throws Exception {
        TestPki.Issued server = ca.server("fhir", "127.0.0.1");
        TestPki other = TestPki.create(dir.resolve("other"), "elsewhere");
        TestPki.Issued gateway = other.client("icu-gw-12");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), ca.caFile(), TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open(
                    "fhir",
                    TlsSettings.trusting(ca.caFile())
                            .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null),
                    WallClock.system());
            assertThat(refusal(tls, "127.0.0.1", s.port()))
                    .contains("refused this box's client certificate")
                    .contains("CN=bedside-test test CA")
                    .contains("CN=icu-gw-12")
                    .contains("issued by O=Bedside Gateway tests,CN=elsewhere test CA");
        }
    }

    @Test
    void namesTheHostsACertificateIsForWhenConnectedByAnother() throws Exception {
        TestPki.Issued server = ca.server("fhir", "localhost");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(refusal(tls, "127.0.0.1", s.port()))
                    .startsWith(
                            "The certificate of 127.0.0.1:" + s.port() + " (O=Bedside Gateway tests,CN=fhir; valid ")
                    .contains("is for localhost, not for 127.0.0.1");
        }
    }

    @Test
    void namesTheIssuerThatIsNotTrusted() throws Exception {
        TestPki other = TestPki.create(dir.resolve("other"), "elsewhere");
        TestPki.Issued server = other.server("fhir", "127.0.0.1");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(refusal(tls, "127.0.0.1", s.port()))
                    .contains("is issued by O=Bedside Gateway tests,CN=elsewhere test CA")
                    .contains("not among the trusted CAs in " + ca.caFile());
        }
    }

    @Test
    void namesAnExpiredCertificateAndItsValidity() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued server = ca.issue(TestPki.Request.server("old-fhir", "127.0.0.1")
                .validBetween(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))));
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(refusal(tls, "127.0.0.1", s.port()))
                    .contains("CN=old-fhir")
                    .contains("valid "
                            + server.certificate()
                                    .getNotBefore()
                                    .toInstant()
                                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    .contains("has expired at the box's clock")
                    .contains("needs a renewed certificate")
                    .doesNotContain("cannot be trusted");
        }
    }

    @Test
    void blamesTheClockWhenItCannotBeRight() throws Exception {
        TestPki.Issued server = ca.server("fhir", "127.0.0.1");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            // A box that booted without a real-time clock: 2020, and NTP not reached.
            TlsClient tls = TlsClient.open(
                    "fhir", TlsSettings.trusting(ca.caFile()), doubtedClock(Instant.parse("2020-01-01T00:00:00Z")));
            assertThat(refusal(tls, "127.0.0.1", s.port()))
                    .contains("CN=fhir")
                    .contains("is not valid yet at the box's clock, 2020-01-01T00:00:00Z")
                    .contains("that clock cannot be trusted")
                    .contains("set it (NTP) rather than replacing the certificate");
        }
    }

    @Test
    void checksCertificatesAtTheBoxClockNotTheJdks() throws Exception {
        TestPki.Issued server = ca.server("fhir", "127.0.0.1"); // valid for a year from an hour ago
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            Instant inTwoYears = Instant.now().plus(Duration.ofDays(730));
            TlsClient tls = TlsClient.open(
                    "fhir", TlsSettings.trusting(ca.caFile()), WallClock.of(() -> inTwoYears, Optional::empty));
            assertThat(refusal(tls, "127.0.0.1", s.port())).contains("has expired at the box's clock");
        }
    }

    @Test
    void refusesAServerThatSpeaksOnlyTls11() throws Exception {
        TestPki.Issued server = ca.server("old-tls", "127.0.0.1");
        Process child =
                HttpsTestServer.startOldProtocolChild(server.certificateFile(), server.keyFile(), dir, "TLSv1.1");
        try {
            Path portFile = dir.resolve("old-tls.port");
            Await.until(
                    "the TLS 1.1 server to listen",
                    Duration.ofSeconds(60),
                    () -> Files.exists(portFile) || !child.isAlive());
            assertThat(child.isAlive())
                    .as("the TLS 1.1 server runs; its log: " + dir.resolve("old-tls.log"))
                    .isTrue();
            int port = Integer.parseInt(Files.readString(portFile).trim());
            TlsClient tls = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            assertThat(refusal(tls, "127.0.0.1", port))
                    .contains("127.0.0.1:" + port)
                    .contains("closed the connection during the TLS handshake")
                    .contains("older than 1.2, which the gateway refuses");
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void refusesToOfferAnythingOlderThanTls12() {
        var e = catchThrowableOfType(
                TlsConfigException.class,
                () -> TlsClient.open(
                        "fhir",
                        TlsSettings.trusting(ca.caFile()).withProtocols(List.of("TLSv1.1")),
                        WallClock.system()));
        assertThat(e.part()).isEqualTo(TlsConfigException.Part.PROTOCOLS);
        assertThat(e.getMessage()).contains("'TLSv1.1' is not allowed");
    }

    @Test
    void rawSocketsVerifyTheHostNameToo() throws Exception {
        TestPki.Issued server = ca.server("mllp-peer", "localhost");
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open("mllp", TlsSettings.trusting(ca.caFile()), WallClock.system());
            try (SSLSocket ok = (SSLSocket) tls.socketFactory().createSocket("localhost", s.port())) {
                ok.startHandshake();
                assertThat(ok.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            }
            Throwable failure;
            try (SSLSocket wrong = (SSLSocket) tls.socketFactory().createSocket("127.0.0.1", s.port())) {
                failure = catchThrowable(wrong::startHandshake);
            }
            assertThat(tls.explain(failure, "127.0.0.1:" + s.port())).contains("is for localhost, not for 127.0.0.1");
        }
    }

    @Test
    void takesChangedFilesForNewConnectionsWithoutARestart() throws Exception {
        TestPki.Issued server = ca.server("fhir", "127.0.0.1");
        TestPki.Issued first = ca.client("icu-gw-12");
        Path certificate = dir.resolve("gw.pem");
        Path key = dir.resolve("gw-key.pem");
        copySecret(first.certificateFile(), certificate);
        copySecret(first.keyFile(), key);
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), ca.caFile(), TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open(
                    "fhir",
                    TlsSettings.trusting(ca.caFile()).withClientCertificate(certificate, key, null),
                    WallClock.system());
            assertThat(get(tls, s.port())).endsWith("CN=icu-gw-12");

            // The renewed certificate arrives (a new key too); a half-written key file must not be taken.
            TestPki.Issued renewed = ca.client("icu-gw-12-renewed");
            copySecret(renewed.certificateFile(), certificate);
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n");
            assertThat(tls.refresh()).isFalse();
            assertThat(tls.status().reloadProblem()).contains(key.toString()).contains("previous ones stay in use");
            assertThat(get(tls, s.port())).as("the previous files still work").endsWith("CN=icu-gw-12");

            copySecret(renewed.keyFile(), key);
            assertThat(tls.refresh()).isTrue();
            assertThat(tls.status().reloadProblem()).isNull();
            assertThat(get(tls, s.port())).endsWith("CN=icu-gw-12-renewed");
        }
    }

    @Test
    void warnsWellBeforeACertificateEnds() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued server = ca.issue(TestPki.Request.server("fhir", "127.0.0.1")
                .validBetween(now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(12))));
        TestPki.Issued gateway = ca.issue(TestPki.Request.client("icu-gw-12")
                .validBetween(now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(5))));
        try (var s = HttpsTestServer.start(
                server.certificateFile(), server.keyFile(), ca.caFile(), TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open(
                    "fhir",
                    TlsSettings.trusting(ca.caFile())
                            .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null),
                    WallClock.system());
            assertThat(tls.status().warnings())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .contains("client certificate O=Bedside Gateway tests,CN=icu-gw-12")
                    .contains(gateway.certificateFile().toString())
                    .containsPattern("in [45] days");
            get(tls, s.port());
            assertThat(tls.status().warnings())
                    .hasSize(2)
                    .anySatisfy(w -> assertThat(w)
                            .contains("the server's certificate O=Bedside Gateway tests,CN=fhir")
                            .containsPattern("in 1[12] days"));
        }
    }

    @Test
    void refusesAKeyFileOthersCanReadAndNeverRepeatsItsContents() throws Exception {
        TestPki.Issued gateway = ca.client("icu-gw-12");
        Files.setPosixFilePermissions(gateway.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        var e = catchThrowableOfType(
                TlsConfigException.class,
                () -> TlsClient.open(
                        "fhir",
                        TlsSettings.trusting(ca.caFile())
                                .withClientCertificate(gateway.certificateFile(), gateway.keyFile(), null),
                        WallClock.system()));
        assertThat(e.part()).isEqualTo(TlsConfigException.Part.KEY_FILE);
        assertThat(e.getMessage())
                .contains(gateway.keyFile().toString())
                .contains("rw-r--r--")
                .contains("chmod 600 " + gateway.keyFile());
        said.add(e.getMessage());

        // A key that is not the certificate's.
        Files.setPosixFilePermissions(gateway.keyFile(), PosixFilePermissions.fromString("rw-------"));
        TestPki.Issued other = ca.client("other");
        var mismatch = catchThrowableOfType(
                TlsConfigException.class,
                () -> TlsClient.open(
                        "fhir",
                        TlsSettings.trusting(ca.caFile())
                                .withClientCertificate(gateway.certificateFile(), other.keyFile(), null),
                        WallClock.system()));
        assertThat(mismatch.getMessage()).contains("does not belong to the certificate");
        said.add(mismatch.getMessage());

        String keyBody = base64Body(Files.readString(gateway.keyFile()));
        String otherBody = base64Body(Files.readString(other.keyFile()));
        for (String s : said) {
            for (int i = 0; i + 16 <= keyBody.length(); i += 16) {
                assertThat(s)
                        .doesNotContain(keyBody.substring(i, i + 16))
                        .doesNotContain(otherBody.substring(i, Math.min(otherBody.length(), i + 16)));
            }
        }
    }

    private static String base64Body(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    private static void copySecret(Path from, Path to) throws IOException {
        Path temp = Files.createTempFile(to.getParent(), "tmp", ".pem");
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
