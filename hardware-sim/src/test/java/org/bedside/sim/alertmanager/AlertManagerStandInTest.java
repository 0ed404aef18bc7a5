package org.bedside.sim.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.AckCode;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.mllp.OutboundMessage;
import org.bedside.hl7.mllp.SendResult;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.hl7.pcd.Pcd05Decoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertManagerStandInTest {
    @TempDir
    Path dir;

    @Test
    void everyPcd04IsCommitAcceptedAfterItIsInTheLogOnePerBlankLine() throws Exception {
        Hl7Parser parser = new Hl7Parser();
        Pcd04Encoder encoder =
                new Pcd04Encoder(new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", ""), null);
        Path log = dir.resolve("alert-manager.log");
        try (AlertManagerStandIn am = AlertManagerStandIn.start(0, log);
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", am.port()))) {
            for (String id : new String[] {"hb-1", "hb-2"}) {
                OutboundMessage m = OutboundMessage.of(
                        encoder.heartbeat(id, Instant.parse("2026-12-02T10:00:00Z"), java.time.Duration.ofSeconds(60)),
                        parser.pipeParser());
                assertThat(client.send(m)).isEqualTo(new SendResult.Accepted(id, AckCode.CA));
            }
            assertThat(am.messages()).isEqualTo(2);
        }
        String[] messages = Files.readString(log, StandardCharsets.UTF_8).split("\n\n");
        assertThat(messages).hasSize(2);
        for (String m : messages) {
            assertThat(m).startsWith("MSH|").contains("\rOBX|").endsWith("\r").doesNotContain("\n");
            assertThat(parser.parse(m, StandardCharsets.UTF_8).value().header().controlId())
                    .startsWith("hb-");
        }
    }

    @Test
    void withAPcd05ListenerEachAlertIsReportedReceivedThenDeliveredAndTheWatchdogIsNot() throws Exception {
        Hl7Parser parser = new Hl7Parser();
        Pcd04Encoder encoder =
                new Pcd04Encoder(new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", ""), null);
        Instant t = Instant.parse("2026-12-02T10:00:00Z");
        AlertReport alert = new AlertReport(
                DeviceId.of("bed12-monitor"),
                "bed12-monitor/device:p-4182-0c04/1",
                "device:p-4182-0c04",
                0,
                AlertReport.Phase.START,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlertReport.Priority.HIGH,
                AlarmEvent.Priority.HIGH,
                AlertReport.AlarmState.ACTIVE,
                AlertReport.InactivationState.ENABLED,
                AlertReport.Origin.DEVICE,
                null,
                null,
                null,
                null,
                null,
                "***Asystole",
                "reported by the device; not delayed",
                0,
                t,
                null,
                null,
                t);
        java.util.List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path log = dir.resolve("alert-manager.log");
        try (MllpListener gateway = new MllpListener(
                                MllpListenerConfig.builder(new java.net.InetSocketAddress(
                                                java.net.InetAddress.getLoopbackAddress(), 0))
                                        .build(),
                                in -> {
                                    reports.add(in.text());
                                    return Decision.accept();
                                })
                        .start();
                AlertManagerStandIn am =
                        AlertManagerStandIn.start(0, log, "alert-manager", "ALERT_MANAGER", gateway.localAddress());
                MllpClient client = new MllpClient(MllpClientConfig.of("127.0.0.1", am.port()))) {
            assertThat(client.send(OutboundMessage.of(
                            encoder.heartbeat("hb-1", t, java.time.Duration.ofSeconds(60)), parser.pipeParser())))
                    .isInstanceOf(SendResult.Accepted.class);
            assertThat(client.send(OutboundMessage.of(encoder.encode(alert, t, null), parser.pipeParser())))
                    .isInstanceOf(SendResult.Accepted.class);
            Await.until("two PCD-05 reports", java.time.Duration.ofSeconds(20), () -> reports.size() >= 2);
            // each is logged once it was acknowledged
            Await.until("both logged", java.time.Duration.ofSeconds(20), () -> entries(log) == 4);
        }
        assertThat(reports).hasSize(2);
        Pcd05Decoder decoder = new Pcd05Decoder();
        java.util.List<Pcd05Report.Disposition> statuses = reports.stream()
                .map(text -> {
                    Hl7Parser.Parsed p =
                            parser.parse(text, StandardCharsets.UTF_8).value();
                    Pcd05Report r = decoder.decode(p.message(), p.header()).value();
                    assertThat(r.alerts().get(0).indication()).isEqualTo(alert.notificationId());
                    return r.alerts().get(0).statuses().get(0).disposition();
                })
                .toList();
        assertThat(statuses).containsExactly(Pcd05Report.Disposition.RECEIVED, Pcd05Report.Disposition.DELIVERED);
        // the log holds the PCD-04s and the acknowledged PCD-05s, nothing more
        assertThat(Files.readString(log, StandardCharsets.UTF_8).split("\n\n"))
                .hasSize(4)
                .filteredOn(m -> m.contains("|ORA^R41^ORA_R41|"))
                .hasSize(2);
    }

    private static int entries(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).split("\n\n").length;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
