package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import io.quarkus.test.component.QuarkusComponentTestExtension;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bedside.alarms.delivery.AlarmEngineSink;
import org.bedside.alarms.delivery.Pcd04Sink;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.uplink.UplinkWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alarm path wired from the configuration: a care unit's policy from {@code gateway.alarms}, the engine and the
 * PCD-04 consumers beside the uplink, and a desaturation appended to the store arriving at an Alert Manager (the hl7
 * module's MLLP listener, in this process) as a PCD-04 that HAPI reads back — for a bed with no patient configured.
 */
class AlarmWiringTest {
    private static final Path DATA = tempDirectory();
    private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
    private static final MllpListener ALERT_MANAGER = alertManager();
    private static final DeviceId MONITOR = DeviceId.of("bed3-monitor");

    @RegisterExtension
    static final QuarkusComponentTestExtension CDI = QuarkusComponentTestExtension.builder()
            .addComponentClasses(GatewayComponents.class, GatewayLifecycle.class)
            .configProperty("gateway.id", "alarm-gw")
            .configProperty("gateway.bed", "ICU 3")
            .configProperty("gateway.data-dir", DATA.toString())
            .configProperty("gateway.uplink.base-url", "http://127.0.0.1:9/fhir")
            .configProperty("gateway.devices.bed3-spo2.driver", "masimo-ascii")
            .configProperty(
                    "gateway.devices.bed3-spo2.port",
                    DATA.resolve("no-such-port").toString())
            // No gateway.mqtt-egress at all: the gateway must start without one (SmallRye takes a group of defaulted
            // members as present; the settings look for its broker).
            .configProperty("gateway.alarms.care-unit", "icu")
            .configProperty("gateway.alarms.care-units.icu.spo2.low", "88")
            .configProperty("gateway.alarms.pcd04.host", "127.0.0.1")
            .configProperty(
                    "gateway.alarms.pcd04.port",
                    Integer.toString(ALERT_MANAGER.localAddress().getPort()))
            .configProperty("gateway.alarms.pcd04.heartbeat", "0s")
            // PCD-05 back from the Alert Manager, on a free port; a second destination for escalated alerts
            .configProperty("gateway.alarms.pcd05-in.port", "0")
            .configProperty("gateway.alarms.pcd05-in.expect-within", "5s")
            .configProperty("gateway.alarms.escalation.pcd04.host", "127.0.0.1")
            .configProperty(
                    "gateway.alarms.escalation.pcd04.port",
                    Integer.toString(ALERT_MANAGER.localAddress().getPort()))
            .configProperty("gateway.alarms.escalation.pcd04.heartbeat", "0s")
            .build();

    @Inject
    GuardedStore store;

    @Inject
    Consumers consumers;

    @Inject
    Alarms alarms;

    @Inject
    GatewayLifecycle lifecycle;

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("alarm-wiring-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MllpListener alertManager() {
        try {
            return new MllpListener(
                            MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                    .build(),
                            in -> {
                                RECEIVED.add(in.text());
                                return Decision.accept();
                            })
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopAlertManager() {
        ALERT_MANAGER.close();
    }

    @Test
    void aDesaturationBelowTheCareUnitsLimitReachesTheAlertManagerAsPcd04() throws Exception {
        assertThat(consumers.all())
                .extracting(BufferConsumer::name)
                .as("no MQTT egress: its section is absent from the configuration")
                .containsExactly(
                        UplinkWorker.CURSOR,
                        AlarmEngineSink.CURSOR,
                        Pcd04Sink.CURSOR,
                        GatewayComponents.ESCALATION_CURSOR);
        assertThat(alarms.settings().policyOf(MONITOR).careUnit()).isEqualTo("icu");
        lifecycle.start();
        try {
            Instant t0 = Instant.now().minusSeconds(40);
            for (int i = 0; i < 30; i++) {
                // 89 is below the default 90 but not below the unit's 88: only the 87s are a condition.
                int value = i < 5 ? 89 : 87;
                Instant t = t0.plusSeconds(i);
                store.append(List.<Reading>of(new NumericReading(
                        MONITOR, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, t, t)));
            }
            // The readings are tens of seconds old when they are appended: on a busy machine the engine's clock may
            // pass the last of them first and also raise a technical "no value" alert. The desaturation's is the one
            // this test is about, whichever comes first.
            Await.until(
                    "the desaturation's PCD-04 at the Alert Manager",
                    Duration.ofSeconds(30),
                    () -> RECEIVED.stream().anyMatch(t -> t.contains("|bed3-monitor/150456-low/")));
            Hl7Parser parser = new Hl7Parser();
            String desaturation = RECEIVED.stream()
                    .filter(t -> t.contains("|bed3-monitor/150456-low/"))
                    .findFirst()
                    .orElseThrow();
            ORU_R01 m = (ORU_R01)
                    parser.parse(desaturation, StandardCharsets.UTF_8).value().message();
            assertThat(m.getMSH().getMessageType().encode()).isEqualTo("ORU^R40^ORU_R40");
            assertThat(m.getMSH().getMessageControlID().getValue())
                    .startsWith("bed3-monitor/150456-low/")
                    .endsWith("#0");
            assertThat(m.getPATIENT_RESULT().getPATIENT().getPID().getPatientIdentifierListReps())
                    .as("no patient is configured: the alert goes out with the bed only")
                    .isZero();
            assertThat(m.getPATIENT_RESULT()
                            .getORDER_OBSERVATION()
                            .getOBSERVATION(1)
                            .getOBX()
                            .getReferencesRange()
                            .getValue())
                    .as("the care unit's limit")
                    .isEqualTo("88-");
            assertThat(m.getPATIENT_RESULT()
                            .getORDER_OBSERVATION()
                            .getOBR()
                            .getObservationDateTime()
                            .getValue())
                    .as("notified on the 16th value below the limit: the 15 s delay")
                    .isEqualTo(org.bedside.hl7.Hl7Time.format(t0.plusSeconds(5 + 15)));
            assertThat(alarms.engine().orElseThrow().stats().appended()).isPositive();
            Await.until(
                    "the Alert Manager's acknowledgement counted",
                    Duration.ofSeconds(10),
                    () -> alarms.pcd04().orElseThrow().status().accepted() == 1);
            assertThat(alarms.pcd04().orElseThrow().status().alarm()).isFalse();
            // nothing escalated within the test: the escalation destination sent nothing
            assertThat(alarms.escalation().orElseThrow().status().sent()).isZero();

            // Supervision of delivery to a person: the notification was decided at t0 + 20 s, so its 5 s are over and
            // no PCD-05 has said that anyone got it.
            String supervised = org.bedside.alarms.delivery.AlertDeliveries.alertIdOf(
                    m.getMSH().getMessageControlID().getValue());
            assertThat(alarms.deliveries().undelivered(Instant.now()))
                    .singleElement()
                    .satisfies(u -> {
                        assertThat(u.alertId()).isEqualTo(supervised);
                        assertThat(u.reason()).contains("no PCD-05 says a person got it within 5 s");
                    });

            // The Alert Manager reports the alert delivered (PCD-05) to the gateway's listener, started with it.
            java.net.InetSocketAddress pcd05 = alarms.pcd05In().orElseThrow().address();
            assertThat(pcd05).isNotNull();
            try (org.bedside.hl7.mllp.MllpClient am = new org.bedside.hl7.mllp.MllpClient(
                    org.bedside.hl7.mllp.MllpClientConfig.of("127.0.0.1", pcd05.getPort()))) {
                org.bedside.hl7.mllp.SendResult r = am.send(org.bedside.hl7.mllp.OutboundMessage.of(
                        new org.bedside.hl7.pcd.Pcd05Encoder("AM", "HOSP")
                                .report(
                                        m,
                                        "AM-1",
                                        Instant.now(),
                                        List.of(new org.bedside.hl7.pcd.Pcd05Encoder.Status(
                                                org.bedside.hl7.pcd.Pcd05Report.Disposition.DELIVERED,
                                                "D-1",
                                                true,
                                                null,
                                                "pager-3",
                                                Instant.now()))),
                        parser.pipeParser()));
                assertThat(r).isInstanceOf(org.bedside.hl7.mllp.SendResult.Accepted.class);
            }
            String alertId = org.bedside.alarms.delivery.AlertDeliveries.alertIdOf(
                    m.getMSH().getMessageControlID().getValue());
            Await.until(
                    "the PCD-05 Delivered ending the supervision's alarm",
                    Duration.ofSeconds(10),
                    () -> alarms.deliveries().undelivered(Instant.now()).isEmpty());
            org.bedside.alarms.delivery.AlertDeliveries.Delivery d =
                    alarms.deliveries().of(alertId);
            assertThat(d).isNotNull();
            assertThat(d.deliveredTo()).isEqualTo("pager-3");
            assertThat(d.alertManagers())
                    .containsKey(alarms.pcd04().orElseThrow().status().destination());
            assertThat(Files.exists(DATA.resolve("alarms").resolve("pcd05-in.hl7")))
                    .isTrue();
        } finally {
            lifecycle.stop();
        }
    }
}
