package org.bedside.patients.adt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bedside.common.tls.TlsClient;
import org.bedside.common.tls.TlsConfigException;
import org.bedside.common.tls.TlsServer;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.adt.AdtTrigger;
import org.bedside.hl7.mllp.MllpFrameDecoder;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.patients.AuditLog;
import org.bedside.patients.BedLocation;
import org.bedside.patients.BedTimeline;
import org.bedside.patients.PatientAssociations;
import org.bedside.patients.PatientKey;
import org.bedside.patients.tools.AdtMessages;
import org.bedside.sim.pki.TestPki;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ADT listener over TLS with client certificates, wired as the gateway wires it (the handler audits refused
 * connections): HAPI's own HL7 v2 sender with a certificate of the hospital's CA is taken; a forged A01 from a client
 * without a certificate, with one of another CA, with a subject not allowed, or from a source outside the allow-list
 * is refused inside the handshake (or before it), counted, audited, and opens no association.
 */
class AdtListenerTlsTest {
    static final BedLocation BED = BedLocation.parse("ICU^12^1");
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    TestPki hospital;
    TestPki elsewhere;
    TestPki.Issued listenerCertificate;
    TestPki.Issued engine;
    PatientAssociations associations;
    AuditLog audit;
    AdtHandler handler;
    MllpListener listener;

    @BeforeEach
    void start() throws Exception {
        hospital = TestPki.create(dir.resolve("pki"), "hospital");
        elsewhere = TestPki.create(dir.resolve("other-pki"), "elsewhere");
        listenerCertificate = hospital.server("gateway", "127.0.0.1", "localhost");
        engine = hospital.client("interface-engine");
        audit = new AuditLog(dir.resolve("audit.jsonl"), InstantSource.system());
        associations = PatientAssociations.open(dir.resolve("adt-events.jsonl"), Set.of(BED), audit);
        handler = new AdtHandler(ZoneOffset.UTC, List.of("HOSP"), associations, audit);
        listener = listen(SourceAllowList.of(List.of("127.0.0.1")), List.of());
    }

    MllpListener listen(SourceAllowList allowed, List<String> subjects) throws Exception {
        TlsServer tls = TlsServer.open(
                "adt-in",
                TlsSettings.trusting(hospital.caFile())
                        .withClientCertificate(
                                listenerCertificate.certificateFile(), listenerCertificate.keyFile(), null),
                subjects,
                WallClock.system());
        return new MllpListener(
                        MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .allowList(allowed)
                                .tls(tls)
                                .refusals(handler::connectionRefused)
                                .handshakeTimeout(Duration.ofSeconds(5))
                                .name("adt-in")
                                .build(),
                        handler)
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        associations.close();
        audit.close();
    }

    /** A client's TLS: the hospital's CA trusted, with {@code certificate} presented (or none). */
    SSLSocketFactory client(TestPki.@Nullable Issued certificate) throws TlsConfigException {
        TlsSettings s = TlsSettings.trusting(hospital.caFile());
        if (certificate != null) {
            s = s.withClientCertificate(certificate.certificateFile(), certificate.keyFile(), null);
        }
        return TlsClient.open("engine", s, WallClock.system()).socketFactory();
    }

    /**
     * A forger's TLS that presents its certificate even though the listener names the CAs it accepts (the JDK's own
     * key manager would then send none, and the case would be "no certificate" again).
     */
    SSLSocketFactory presentingAnyway(TestPki.Issued certificate) throws Exception {
        char[] password = "forger".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("forger", certificate.key(), password, new X509Certificate[] {certificate.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, password);
        X509ExtendedKeyManager jdk = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        String alias = jdk.getClientAliases("EC", null)[0];
        X509ExtendedKeyManager always = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {alias};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return alias;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[0];
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String a) {
                return jdk.getCertificateChain(a);
            }

            @Override
            public PrivateKey getPrivateKey(String a) {
                return jdk.getPrivateKey(a);
            }
        };
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hospital", hospital.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {always}, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    Message a01(HapiContext context, String controlId) throws Exception {
        return AdtMessages.build(
                new AdtMessages.Spec(
                        AdtTrigger.A01,
                        controlId,
                        new PatientKey("HOSP", "6666"),
                        BED,
                        null,
                        Instant.now(),
                        "Forged",
                        "Patient"),
                context);
    }

    @Test
    void hapisSenderWithACertificateOfTheHospitalsCaIsTaken() throws Exception {
        SSLSocketFactory tls = client(engine);
        try (HapiContext context = Hl7Parser.newContext()) {
            context.setSocketFactory(new StandardSocketFactory() {
                @Override
                public Socket createTlsSocket() throws IOException {
                    return tls.createSocket();
                }
            });
            Connection c =
                    context.newClient("127.0.0.1", listener.localAddress().getPort(), true);
            try {
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Message ack = c.getInitiator().sendAndReceive(a01(context, "TLS-1"));
                assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("AA");
            } finally {
                c.close();
            }
        }
        assertThat(associations.subjectAt(BED, Instant.now().plusSeconds(1)))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Patient.class,
                        p -> assertThat(p.occupant().patient()).isEqualTo(new PatientKey("HOSP", "6666")));
        ObjectNode received = entries("adt-received").get(0);
        assertThat(received.get("certificate").asText()).contains("CN=interface-engine");
        assertThat(listener.stats().failuresByReason()).isEmpty();
    }

    /** {@code bedside adt} with these arguments after the trigger; its exit code, standard output and error. */
    private record Ran(int exit, String out, String err) {}

    private Ran adtCommand(String... options) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of(
                "A01",
                "--to",
                "127.0.0.1:" + listener.localAddress().getPort(),
                "--mrn",
                "6666",
                "--aa",
                "HOSP",
                "--bed",
                "ICU^12^1"));
        args.addAll(List.of(options));
        int exit = org.bedside.patients.tools.AdtCommand.run(
                args,
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theBedsideAdtCommandSpeaksTlsWithItsCertificateAndSaysWhyWhenRefused() throws Exception {
        Ran anonymous = adtCommand("--trust", hospital.caFile().toString());
        assertThat(anonymous.exit()).isEqualTo(1);
        // The listener's alert reaches HAPI's reader or not, by timing: either way the sentence names the certificate.
        assertThat(anonymous.err()).contains("not acknowledged by 127.0.0.1:").contains("client certificate");
        assertNothingOpened();

        Ran plain = adtCommand();
        assertThat(plain.exit())
                .as("plain MLLP to a TLS listener: %s", plain.err())
                .isEqualTo(1);
        assertNothingOpened();

        Ran engineSends = adtCommand(
                "--trust",
                hospital.caFile().toString(),
                "--cert",
                engine.certificateFile().toString(),
                "--key",
                engine.keyFile().toString());
        assertThat(engineSends.exit()).as(engineSends.err()).isZero();
        assertThat(engineSends.out()).contains("A01").contains(": AA");
        assertThat(associations.subjectAt(BED, Instant.now().plusSeconds(1)))
                .isInstanceOfSatisfying(
                        BedTimeline.Subject.Patient.class,
                        p -> assertThat(p.occupant().patient()).isEqualTo(new PatientKey("HOSP", "6666")));

        Ran alone = adtCommand(
                "--cert",
                engine.certificateFile().toString(),
                "--key",
                engine.keyFile().toString());
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--trust");
    }

    @Test
    void aForgedA01FromAClientWithoutACertificateIsRefusedCountedAndAudited() throws Exception {
        assertRefusedWithoutReading(sendForged(client(null), "FORGED-1"));
        awaitAudit();
        assertThat(listener.stats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isEqualTo(1);
        ObjectNode e = entries("adt-connection-refused").get(0);
        assertThat(e.get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(e.get("reason").asText()).isEqualTo("client_certificate_refused");
        assertThat(e.get("detail").asText()).contains("sent no certificate").contains("CN=hospital test CA");
        assertThat(e.has("subject")).isFalse();
        assertNothingOpened();
    }

    @Test
    void aForgedA01WithACertificateOfAnUnknownCaIsRefusedCountedAndAudited() throws Exception {
        TestPki.Issued forger = elsewhere.client("interface-engine");
        assertRefusedWithoutReading(sendForged(presentingAnyway(forger), "FORGED-2"));
        awaitAudit();
        assertThat(listener.stats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isEqualTo(1);
        ObjectNode e = entries("adt-connection-refused").get(0);
        assertThat(e.get("detail").asText())
                .contains("is issued by")
                .contains("CN=elsewhere test CA")
                .contains("not among the CAs trusted for clients");
        assertThat(e.get("subject").asText()).contains("CN=interface-engine");
        assertNothingOpened();
    }

    @Test
    void aForgedA01WithACertificateWhoseSubjectIsNotAllowedIsRefused() throws Exception {
        listener.close();
        listener = listen(SourceAllowList.any(), List.of("CN=interface-engine,O=Bedside Gateway tests"));
        TestPki.Issued monitor = hospital.client("some-monitor");
        assertRefusedWithoutReading(sendForged(client(monitor), "FORGED-3"));
        awaitAudit();
        ObjectNode e = entries("adt-connection-refused").get(0);
        assertThat(e.get("detail").asText()).contains("not among the allowed subjects");
        assertThat(listener.stats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isEqualTo(1);
        assertNothingOpened();

        // The allowed one passes the same listener.
        try (Socket s =
                client(engine).createSocket("127.0.0.1", listener.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(MllpFrameDecoder.wrap(encodedA01("ALLOWED-1")));
            assertThat(new String(s.getInputStream().readNBytes(3), StandardCharsets.ISO_8859_1))
                    .startsWith("\u000bMS");
        }
        await(() -> associations.events() == 1, "the allowed engine's A01 recorded");
    }

    @Test
    void aForgedA01FromASourceOutsideTheAllowListIsRefusedBeforeTheHandshake() throws Exception {
        listener.close();
        listener = listen(SourceAllowList.of(List.of("10.0.0.0/8")), List.of());
        // Even with a good certificate: the address decides first.
        Throwable refused = sendForged(client(engine), "FORGED-4");
        assertThat(refused).isNotNull();
        awaitAudit();
        assertThat(listener.stats().failures(FailureReason.SOURCE_REFUSED)).isEqualTo(1);
        assertThat(listener.stats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isZero();
        ObjectNode e = entries("adt-connection-refused").get(0);
        assertThat(e.get("reason").asText()).isEqualTo("source_refused");
        assertThat(e.get("detail").asText()).contains("10.0.0.0/8");
        assertNothingOpened();
    }

    @Test
    void aFloodOfRefusedConnectionsBecomesOneAuditEntryAMinuteWithTheCount() throws Exception {
        SSLSocketFactory noCertificate = client(null);
        for (int i = 0; i < 5; i++) {
            sendForged(noCertificate, "FLOOD-" + i);
        }
        await(() -> listener.stats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED) == 5, "five refusals counted");
        assertThat(entries("adt-connection-refused")).hasSize(1);
        assertNothingOpened();
    }

    @Test
    void aListenerWithoutItsKeyOrWithAKeyOthersCanReadIsRefusedAtStart() throws Exception {
        assertThatThrownBy(() -> TlsServer.open(
                        "adt-in", TlsSettings.trusting(hospital.caFile()), List.of(), WallClock.system()))
                .isInstanceOfSatisfying(
                        TlsConfigException.class,
                        e -> assertThat(e.part()).isEqualTo(TlsConfigException.Part.CERTIFICATE_FILE));
        Files.setPosixFilePermissions(listenerCertificate.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> TlsServer.open(
                        "adt-in",
                        TlsSettings.trusting(hospital.caFile())
                                .withClientCertificate(
                                        listenerCertificate.certificateFile(), listenerCertificate.keyFile(), null),
                        List.of(),
                        WallClock.system()))
                .isInstanceOfSatisfying(TlsConfigException.class, e -> {
                    assertThat(e.part()).isEqualTo(TlsConfigException.Part.KEY_FILE);
                    assertThat(e.getMessage()).contains("chmod 600");
                });
    }

    @Test
    void aRenewedListenerCertificateIsUsedWithoutARestart() throws Exception {
        TlsServer tls = TlsServer.open(
                "adt-in",
                TlsSettings.trusting(hospital.caFile())
                        .withClientCertificate(
                                listenerCertificate.certificateFile(), listenerCertificate.keyFile(), null)
                        .withTimes(TlsSettings.DEFAULT_EXPIRY_WARNING, Duration.ofMillis(1)),
                List.of(),
                WallClock.system());
        TestPki.Issued renewed = hospital.server("gateway-renewed", "127.0.0.1");
        Files.copy(
                renewed.certificateFile(),
                listenerCertificate.certificateFile(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.keyFile(), listenerCertificate.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(tls.refresh()).isTrue();
        assertThat(tls.status().certificates())
                .anySatisfy(c -> assertThat(c.subject()).contains("CN=gateway-renewed"));
    }

    /** Sends a framed A01 over {@code tls} and reads; returns what ended the read (never an acknowledgement). */
    Throwable sendForged(SSLSocketFactory tls, String controlId) throws Exception {
        try (Socket s = tls.createSocket("127.0.0.1", listener.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(MllpFrameDecoder.wrap(encodedA01(controlId)));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            int b = in.read();
            return b < 0 ? new java.io.EOFException("closed") : new AssertionError("the listener answered: " + b);
        } catch (IOException e) {
            return e; // refused in the handshake, or the connection closed under the write
        }
    }

    byte[] encodedA01(String controlId) throws Exception {
        try (HapiContext context = Hl7Parser.newContext()) {
            return a01(context, controlId).encode().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    void assertRefusedWithoutReading(Throwable ended) {
        assertThat(ended).isNotInstanceOf(AssertionError.class);
        assertThat(listener.stats().messagesReceived()).isZero();
    }

    void assertNothingOpened() throws IOException {
        assertThat(listener.stats().messagesReceived()).isZero();
        assertThat(associations.events()).isZero();
        assertThat(associations.subjectAt(BED, Instant.now().plusSeconds(1)))
                .isInstanceOf(BedTimeline.Subject.Nobody.class);
        assertThat(entries("adt-received")).isEmpty();
        assertThat(entries("association-opened")).isEmpty();
        assertThat(Files.readString(dir.resolve("audit.jsonl")))
                .as("no patient data of the forged message reached the audit log")
                .doesNotContain("6666")
                .doesNotContain("Forged");
    }

    void awaitAudit() throws Exception {
        await(
                () -> {
                    try {
                        return !entries("adt-connection-refused").isEmpty();
                    } catch (IOException e) {
                        return false;
                    }
                },
                "the refusal audited");
    }

    List<ObjectNode> entries(String action) throws IOException {
        return audit.entries().stream()
                .filter(e -> action.equals(e.get("action").asText()))
                .toList();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
