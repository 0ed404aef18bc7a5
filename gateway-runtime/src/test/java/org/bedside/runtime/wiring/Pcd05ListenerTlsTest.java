package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.bedside.alarms.delivery.AlertDeliveries;
import org.bedside.alarms.delivery.Pcd05Inbound;
import org.bedside.common.tls.TlsClient;
import org.bedside.common.tls.TlsSettings;
import org.bedside.common.tls.WallClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.FailureReason;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.MllpFrameDecoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.hl7.pcd.Pcd05Encoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.bedside.patients.AuditLog;
import org.bedside.runtime.config.AlarmSettings;
import org.bedside.runtime.config.GatewayConfig;
import org.bedside.sim.pki.TestPki;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PCD-05 listener over TLS with client certificates, from {@code gateway.alarms.pcd05-in} as the gateway reads it
 * and wired as the gateway wires it (refused connections audited as {@code pcd05-connection-refused}): HAPI's own
 * sender with the Alert Manager's certificate is answered and its status recorded; a report from a client without a
 * certificate, or from a source outside the allow-list, is refused before a byte of it is read, counted and audited,
 * and records nothing.
 */
class Pcd05ListenerTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    TestPki hospital;
    TestPki.Issued listenerCertificate;
    TestPki.Issued alertManager;
    AuditLog audit;
    AlertDeliveries deliveries;
    AlarmSettings settings;
    Pcd05Inbound inbound;

    @BeforeEach
    void pki() throws Exception {
        hospital = TestPki.create(dir.resolve("pki"), "hospital");
        listenerCertificate = hospital.server("gateway", "127.0.0.1", "localhost");
        alertManager = hospital.client("alert-manager");
        audit = new AuditLog(dir.resolve("audit/audit.jsonl"), InstantSource.system());
        deliveries = new AlertDeliveries();
    }

    /** The listener of a configuration whose {@code pcd05-in} admits {@code allowed} and has a {@code tls} section. */
    void listen(String allowed) throws Exception {
        settings = AlarmSettings.from(yaml("""
                gateway:
                  id: icu-gw-12
                  uplink:
                    base-url: http://127.0.0.1:8090/fhir
                  devices: {}
                  alarms:
                    pcd04:
                      host: 127.0.0.1
                      port: 2575
                    pcd05-in:
                      port: 0
                      allowed-sources: [%s]
                      tls:
                        certificate-file: %s
                        key-file: %s
                        client-ca-file: %s
                """.formatted(
                allowed, listenerCertificate.certificateFile(), listenerCertificate.keyFile(), hospital.caFile())));
        AlarmSettings.Pcd05InSettings in = settings.pcd05In();
        assertThat(in).isNotNull();
        assertThat(in.tls()).as("gateway.alarms.pcd05-in.tls read").isNotNull();
        inbound = new Pcd05Inbound(
                new Pcd05Inbound.Settings(
                        in.bind(),
                        in.allowed(),
                        in.maxMessageSize(),
                        settings.pcd04().sender().application(),
                        settings.pcd04().sender().eui64(),
                        in.tls(),
                        new RefusalAudit(audit, InstantSource.system()).connections("pcd05-connection-refused")),
                deliveries,
                dir.resolve("alarms"));
        inbound.start();
    }

    private static GatewayConfig yaml(String text) {
        return new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", text))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(GatewayConfig.class)
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    @AfterEach
    void stop() throws Exception {
        if (inbound != null) {
            inbound.close();
        }
        audit.close();
    }

    static final AlertReport ALERT = new AlertReport(
            DeviceId.of("bed12-spo2"),
            "bed12-spo2/150456-low/1",
            "150456-low",
            0,
            AlertReport.Phase.START,
            AlarmEvent.Kind.PHYSIOLOGICAL,
            AlertReport.Priority.MEDIUM,
            AlarmEvent.Priority.UNKNOWN,
            AlertReport.AlarmState.ACTIVE,
            AlertReport.InactivationState.ENABLED,
            AlertReport.Origin.GATEWAY,
            Metrics.SPO2,
            new BigDecimal("86"),
            UcumUnit.PERCENT,
            new BigDecimal("90"),
            null,
            "SpO2 low (below 90 %)",
            "SpO2 86 % below 90 % for 15s",
            0,
            Instant.now().minusSeconds(15),
            null,
            null,
            Instant.now());

    /** A PCD-05 "Delivered" on the alert as this gateway sent it. */
    ORU_R01 report(String controlId) throws Exception {
        ORU_R01 sent = new Pcd04Encoder(settings.pcd04().sender(), null).encode(ALERT, Instant.now(), null);
        return new Pcd05Encoder("AM", "HOSP")
                .report(
                        sent,
                        controlId,
                        Instant.now(),
                        List.of(new Pcd05Encoder.Status(
                                Pcd05Report.Disposition.DELIVERED, "D-1", true, null, "pager-12", Instant.now())));
    }

    SSLSocketFactory client(TestPki.@Nullable Issued certificate) throws Exception {
        TlsSettings s = TlsSettings.trusting(hospital.caFile());
        if (certificate != null) {
            s = s.withClientCertificate(certificate.certificateFile(), certificate.keyFile(), null);
        }
        return TlsClient.open("alert-manager", s, WallClock.system()).socketFactory();
    }

    @Test
    void hapisSenderWithTheAlertManagersCertificateIsAnsweredAndItsStatusRecorded() throws Exception {
        listen("127.0.0.1");
        SSLSocketFactory tls = client(alertManager);
        try (HapiContext context = Hl7Parser.newContext()) {
            context.setSocketFactory(new StandardSocketFactory() {
                @Override
                public Socket createTlsSocket() throws IOException {
                    return tls.createSocket();
                }
            });
            Connection c = context.newClient("127.0.0.1", inbound.address().getPort(), true);
            try {
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Message ack = c.getInitiator().sendAndReceive(report("TLS-1"));
                assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("CA");
            } finally {
                c.close();
            }
        }
        assertThat(inbound.outcomes()).containsEntry("recorded", 1L);
        assertThat(deliveries.of(ALERT.alertId())).isNotNull();
        assertThat(deliveries.of(ALERT.alertId()).deliveredTo()).isEqualTo("pager-12");
        assertThat(inbound.listenerStats().failuresByReason()).isEmpty();
        assertThat(entries("pcd05-connection-refused")).isEmpty();
    }

    @Test
    void aReportFromAClientWithoutACertificateIsRefusedCountedAndAudited() throws Exception {
        listen("127.0.0.1");
        assertNotAnswered(send(client(null), "FORGED-1"));
        awaitAudit();
        assertThat(inbound.listenerStats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isEqualTo(1);
        ObjectNode e = entries("pcd05-connection-refused").get(0);
        assertThat(e.get("listener").asText()).isEqualTo("pcd05-in");
        assertThat(e.get("source").asText()).isEqualTo("127.0.0.1");
        assertThat(e.get("reason").asText()).isEqualTo("client_certificate_refused");
        assertThat(e.get("detail").asText()).contains("sent no certificate").contains("CN=hospital test CA");
        assertNothingRecorded();
    }

    @Test
    void aReportFromASourceOutsideTheAllowListIsRefusedBeforeTheHandshakeCountedAndAudited() throws Exception {
        listen("10.0.0.0/8");
        // Even with the Alert Manager's own certificate: the address decides first.
        assertNotAnswered(send(client(alertManager), "FORGED-2"));
        awaitAudit();
        assertThat(inbound.listenerStats().failures(FailureReason.SOURCE_REFUSED))
                .isEqualTo(1);
        assertThat(inbound.listenerStats().failures(FailureReason.CLIENT_CERTIFICATE_REFUSED))
                .isZero();
        ObjectNode e = entries("pcd05-connection-refused").get(0);
        assertThat(e.get("reason").asText()).isEqualTo("source_refused");
        assertThat(e.get("detail").asText()).contains("10.0.0.0/8");
        assertNothingRecorded();
    }

    /** Sends a framed report over {@code tls} and reads; returns what ended the read. */
    Throwable send(SSLSocketFactory tls, String controlId) throws Exception {
        byte[] framed = MllpFrameDecoder.wrap(report(controlId).encode().getBytes(StandardCharsets.ISO_8859_1));
        try (Socket s = tls.createSocket("127.0.0.1", inbound.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(framed);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            int b = in.read();
            return b < 0 ? new java.io.EOFException("closed") : new AssertionError("the listener answered: " + b);
        } catch (IOException e) {
            return e; // refused in the handshake, or the connection closed under the write
        }
    }

    void assertNotAnswered(Throwable ended) {
        assertThat(ended).isNotInstanceOf(AssertionError.class);
    }

    void assertNothingRecorded() throws IOException {
        assertThat(inbound.listenerStats().messagesReceived()).isZero();
        assertThat(inbound.outcomes()).isEmpty();
        assertThat(deliveries.of(ALERT.alertId())).isNull();
        assertThat(Files.readString(dir.resolve("audit/audit.jsonl")))
                .as("nothing of the refused report reached the audit log")
                .doesNotContain("pager-12")
                .doesNotContain("FORGED");
    }

    void awaitAudit() {
        Await.until("the refusal audited", WAIT, () -> {
            try {
                return !entries("pcd05-connection-refused").isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
    }

    List<ObjectNode> entries(String action) throws IOException {
        return audit.entries().stream()
                .filter(e -> action.equals(e.get("action").asText()))
                .toList();
    }
}
