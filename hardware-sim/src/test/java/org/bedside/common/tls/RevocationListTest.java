package org.bedside.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bedside.sim.pki.TestPki;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation by CRL files, both ways: a listener ({@link TlsServer}, as the ADT, PCD-01 and PCD-05 listeners use it)
 * refuses a sender whose certificate its CA has revoked, and the gateway as a client ({@link TlsClient}) refuses a
 * server whose certificate is revoked; each says so in its sentence. The lists are local files, never fetched, and a
 * new list is taken without a restart.
 */
class RevocationListTest {
    @TempDir
    Path dir;

    private TestPki ca;

    @BeforeEach
    void makeCa() {
        ca = TestPki.create(dir.resolve("pki"), "hospital");
    }

    /** The outcome of one handshake as the listener saw it: null if it took the client, else its refusal. */
    private TlsServer.Refusal handshake(TlsServer tls, TestPki.Issued client) throws Exception {
        try (SSLServerSocket server = tls.newServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<TlsServer.Refusal> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(10_000);
                    try {
                        s.startHandshake();
                        s.getOutputStream().write('k');
                        s.getOutputStream().flush();
                        return null;
                    } catch (IOException e) {
                        return tls.explain(s, e);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TlsClient sender = TlsClient.open(
                    "sender",
                    TlsSettings.trusting(ca.caFile())
                            .withClientCertificate(client.certificateFile(), client.keyFile(), null),
                    WallClock.system());
            try (SSLSocket s = (SSLSocket)
                    sender.sslContext().getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                s.getInputStream().read(); // TLS 1.3: the listener's verdict on the certificate arrives here
            } catch (IOException refusedAsExpectedOrNot) {
                // what the listener says is the test's subject
            }
            return seen.get(20, TimeUnit.SECONDS);
        }
    }

    private TlsServer listener(Path crl) throws TlsConfigException {
        TestPki.Issued own = ca.server("adt-in", "127.0.0.1");
        return TlsServer.open(
                "adt-in",
                TlsSettings.trusting(ca.caFile())
                        .withClientCertificate(own.certificateFile(), own.keyFile(), null)
                        .withRevocation(TlsSettings.Revocation.CRL_FILES, List.of(crl))
                        .withTimes(TlsSettings.DEFAULT_EXPIRY_WARNING, Duration.ofMillis(1)),
                List.of(),
                WallClock.system());
    }

    @Test
    void aListenerRefusesASenderWhoseCertificateIsRevokedAndTakesTheOthers() throws Exception {
        TestPki.Issued engine = ca.client("interface-engine");
        TestPki.Issued stolen = ca.client("stolen-laptop");
        TlsServer tls = listener(ca.revocationList("hospital.crl", stolen.certificate()));

        assertThat(handshake(tls, engine)).as("a certificate not on the list").isNull();
        TlsServer.Refusal refusal = handshake(tls, stolen);
        assertThat(refusal).isNotNull();
        assertThat(refusal.kind()).isEqualTo(TlsServer.RefusalKind.CERTIFICATE_REFUSED);
        assertThat(refusal.subject()).contains("CN=stolen-laptop");
        assertThat(refusal.sentence())
                .contains("the client's certificate")
                .contains("stolen-laptop")
                .contains("has been revoked")
                .contains("KEY_COMPROMISE");
    }

    @Test
    void aNewRevocationListIsTakenWithoutARestart() throws Exception {
        TestPki.Issued engine = ca.client("interface-engine");
        Path crl = ca.revocationList("hospital.crl");
        TlsServer tls = listener(crl);
        assertThat(handshake(tls, engine)).as("not revoked yet").isNull();

        Path next = ca.revocationList("next.crl", engine.certificate());
        Files.move(next, crl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        TlsServer.Refusal refusal = handshake(tls, engine);
        assertThat(refusal)
                .as("the list published since is used for new connections")
                .isNotNull();
        assertThat(refusal.sentence()).contains("has been revoked");
    }

    @Test
    void aListenerWhoseRevocationListCannotBeReadDoesNotStart() {
        Throwable failure = catchThrowable(() -> listener(dir.resolve("missing.crl")));
        assertThat(failure).isInstanceOf(TlsConfigException.class);
        assertThat(((TlsConfigException) failure).part()).isEqualTo(TlsConfigException.Part.REVOCATION_LISTS);
        assertThat(failure.getMessage()).contains("missing.crl");
    }

    @Test
    void theGatewayRefusesAServerWhoseCertificateIsRevoked() throws Exception {
        TestPki.Issued fhir = ca.server("fhir", "127.0.0.1");
        Path crl = ca.revocationList("hospital.crl", fhir.certificate());
        try (var s =
                HttpsTestServer.start(fhir.certificateFile(), fhir.keyFile(), null, TlsSettings.DEFAULT_PROTOCOLS)) {
            TlsClient tls = TlsClient.open(
                    "fhir",
                    TlsSettings.trusting(ca.caFile()).withRevocation(TlsSettings.Revocation.CRL_FILES, List.of(crl)),
                    WallClock.system());
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(tls.sslContext())
                    .sslParameters(tls.sslParameters())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            Throwable failure = catchThrowable(() -> http.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + "/"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(failure).isInstanceOf(IOException.class);
            assertThat(tls.explain(failure, "127.0.0.1:" + s.port()))
                    .contains("127.0.0.1:" + s.port())
                    .contains("CN=fhir")
                    .contains("has been revoked")
                    .contains("KEY_COMPROMISE");

            TlsClient unchecked = TlsClient.open("fhir", TlsSettings.trusting(ca.caFile()), WallClock.system());
            HttpClient plain = HttpClient.newBuilder()
                    .sslContext(unchecked.sslContext())
                    .sslParameters(unchecked.sslParameters())
                    .build();
            assertThat(plain.send(
                                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port() + "/"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("without revocation configured, nothing is checked (and nothing fetched)")
                    .isEqualTo(200);
        }
    }
}
