package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.util.Terser;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.SourceAllowList;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.hl7.pcd.Pcd05Encoder;
import org.bedside.hl7.pcd.Pcd05Report;
import org.bedside.model.AlertReport;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PCD-04 out and PCD-05 back with real HAPI MLLP on the far side: the PCD-04 consumer sends an alert to a HAPI Alert
 * Manager, which reports Delivered, Read and Accepted to the gateway's PCD-05 listener (the hl7 module's
 * {@code MllpListener}); the statuses are recorded apart from the alert, whose own state does not change.
 */
class Pcd05RoundTripTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String APP = "BEDSIDE_GATEWAY";
    private static final String EUI = "0123456789ABCDEF";

    @TempDir
    Path dir;

    private Pcd05Inbound inbound(AlertDeliveries deliveries) throws Exception {
        return new Pcd05Inbound(
                new Pcd05Inbound.Settings(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        SourceAllowList.of(List.of("127.0.0.1")),
                        1 << 20,
                        APP,
                        EUI),
                deliveries,
                dir.resolve("alarms"));
    }

    private Pcd04Sink sink(int port, AlertDeliveries deliveries) {
        return new Pcd04Sink(
                new MllpClient(MllpClientConfig.of("127.0.0.1", port).withAckTimeout(Duration.ofSeconds(5))),
                "127.0.0.1:" + port,
                new Pcd04Encoder(
                        new Pcd01Encoder.Sender(APP, EUI, "ICU", "AM", "HOSP"), new CareLocation("ICU", "12", "1", "")),
                new Pcd04Sink.Settings(Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(60)),
                InstantSource.system(),
                a -> true,
                deliveries);
    }

    private BufferConsumer<Pcd04Sink.Outgoing> consumer(ReadingStore store, Pcd04Sink sink) throws Exception {
        return new BufferConsumer<>(
                new ConsumerSettings(
                        Pcd04Sink.CURSOR,
                        1,
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofDays(36500),
                        Duration.ofMillis(100),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                new DeadLetterStore(dir.resolve("dead-letters")),
                InstantSource.system(),
                TrustedClock.ALWAYS);
    }

    private static List<AlertReport> alertsIn(ReadingStore store) throws Exception {
        List<AlertReport> out = new ArrayList<>();
        for (StoredRecord r : store.readAll()) {
            for (Reading x : r.readings()) {
                if (x instanceof AlertReport a) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Test
    void theAlertManagersStatusesAreRecordedApartFromTheAlertAndSurviveARestart() throws Exception {
        AlertReport alert = Pcd04SinkTest.start("1", Instant.now());
        AlertDeliveries deliveries = new AlertDeliveries();
        int amPort;
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                Pcd05Inbound in = inbound(deliveries)) {
            in.start();
            store.append(List.<Reading>of(alert));
            try (HapiAlertManager am = new HapiAlertManager(
                    in.address().getPort(),
                    List.of(
                            Pcd05Report.Disposition.DELIVERED,
                            Pcd05Report.Disposition.READ,
                            Pcd05Report.Disposition.ACCEPTED))) {
                amPort = am.port();
                Pcd04Sink sink = sink(amPort, deliveries);
                try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                    c.start();
                    Await.until("three PCD-05 acknowledged", WAIT, () -> am.pcd05Acks.size() == 3);
                }
                assertThat(am.alertsReceived).containsExactly(alert.notificationId());
                // PCD-05 asks for an accept acknowledgement (MSH-15 AL): a commit accept
                assertThat(am.pcd05Acks).containsExactly("CA", "CA", "CA");
                sink.close();
            }

            AlertDeliveries.Delivery d = deliveries.of(alert.alertId());
            assertThat(d).isNotNull();
            assertThat(d.alertManagers()).containsOnlyKeys("127.0.0.1:" + amPort);
            assertThat(d.lastNotification()).isEqualTo(alert.notificationId());
            assertThat(d.deliveredAt()).isNotNull();
            assertThat(d.deliveredTo()).isEqualTo("pager-12");
            assertThat(d.readAt()).isNotNull();
            assertThat(d.acceptedAt()).isNotNull();
            assertThat(d.acceptedBy()).isEqualTo("nurse-7");
            assertThat(d.acceptance()).isEqualTo("Accepted");
            assertThat(d.lastStatus()).isEqualTo("Accepted");
            assertThat(d.reports()).isEqualTo(3);
            assertThat(d.acmPhase()).isEqualTo("acknowledged");
            assertThat(d.acmInactivationState()).isEqualTo("alert-acknowledged");
            assertThat(in.outcomes()).containsEntry("recorded", 3L);
            assertThat(deliveries.statusCounts())
                    .containsEntry("delivered", 1L)
                    .containsEntry("read", 1L)
                    .containsEntry("accepted", 1L);

            // The alert itself: still the one START in the buffer, active and enabled — a PCD-05 neither ends,
            // silences nor acknowledges the alert the device reports.
            assertThat(alertsIn(store)).containsExactly(alert);
            assertThat(alert.alarmState()).isEqualTo(AlertReport.AlarmState.ACTIVE);
            assertThat(alert.inactivationState()).isEqualTo(AlertReport.InactivationState.ENABLED);
        }

        // A restart: the journal gives the statuses back.
        AlertDeliveries after = new AlertDeliveries();
        try (Pcd05Inbound again = inbound(after)) {
            AlertDeliveries.Delivery d = after.of(alert.alertId());
            assertThat(d).isNotNull();
            assertThat(d.acceptedBy()).isEqualTo("nurse-7");
            assertThat(d.reports()).isEqualTo(3);
        }
    }

    @Test
    void anUndeliverableOrMissingPcd05IsTheGatewaysTechnicalAlarmUntilAPersonGetsTheAlert() throws Exception {
        // Supervised delivery to a person: 60 s; the test's clock is the alerts' own time, no sleep.
        AlertDeliveries deliveries = new AlertDeliveries(Duration.ofSeconds(60));
        Instant t = Instant.now();
        AlertReport undeliverable = Pcd04SinkTest.start("21", t);
        AlertReport unanswered = Pcd04SinkTest.start("22", t.plusSeconds(1));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                Pcd05Inbound in = inbound(deliveries)) {
            in.start();
            store.append(List.<Reading>of(undeliverable));
            // The Alert Manager takes the first alert and reports it Received, then Undeliverable.
            try (HapiAlertManager am = new HapiAlertManager(
                    in.address().getPort(),
                    List.of(Pcd05Report.Disposition.RECEIVED, Pcd05Report.Disposition.UNDELIVERABLE))) {
                Pcd04Sink sink = sink(am.port(), deliveries);
                try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                    c.start();
                    Await.until("two PCD-05 acknowledged", WAIT, () -> am.pcd05Acks.size() == 2);
                }
                sink.close();
            }
            // The second alert: an Alert Manager that takes it and never reports anything.
            store.append(List.<Reading>of(unanswered));
            try (HapiAlertManager silent = new HapiAlertManager(in.address().getPort(), List.of())) {
                Pcd04Sink sink = sink(silent.port(), deliveries);
                try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                    c.start();
                    Await.until("the second alert taken", WAIT, () -> silent.alertsReceived.size() == 1);
                }
                assertThat(silent.alertsReceived).containsExactly(unanswered.notificationId());
                sink.close();
            }
            assertThat(in.outcomes()).containsEntry("recorded", 2L);

            // Before the second one's deadline: only the Undeliverable one.
            assertThat(deliveries.undelivered(t.plusSeconds(61)))
                    .singleElement()
                    .satisfies(u -> {
                        assertThat(u.alertId()).isEqualTo(undeliverable.alertId());
                        assertThat(u.reason()).contains("Undeliverable");
                    });
            // After it: both, oldest first.
            assertThat(deliveries.undelivered(t.plusSeconds(62)))
                    .extracting(AlertDeliveries.Undelivered::alertId)
                    .containsExactlyInAnyOrder(undeliverable.alertId(), unanswered.alertId());

            // A later Delivered for the first, from the Alert Manager's HAPI client: that alarm ends.
            HapiContext context = Hl7Parser.newContext();
            try {
                Connection c = context.newClient("127.0.0.1", in.address().getPort(), false);
                c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
                Pcd04Encoder gateway = new Pcd04Encoder(
                        new Pcd01Encoder.Sender(APP, EUI, "ICU", "AM", "HOSP"), new CareLocation("ICU", "12", "1", ""));
                Message ack = c.getInitiator()
                        .sendAndReceive(new Pcd05Encoder("AM", "HOSP")
                                .report(
                                        gateway.encode(undeliverable, Instant.now(), null),
                                        "AM-LATER",
                                        Instant.now(),
                                        List.of(new Pcd05Encoder.Status(
                                                Pcd05Report.Disposition.DELIVERED,
                                                "D-2",
                                                true,
                                                null,
                                                "pager-14",
                                                Instant.now()))));
                assertThat(new Terser(ack).get("/MSA-1")).isEqualTo("CA");
                c.close();
            } finally {
                context.close();
            }
            assertThat(deliveries.undelivered(t.plusSeconds(62)))
                    .extracting(AlertDeliveries.Undelivered::alertId)
                    .containsExactly(unanswered.alertId());
            // Neither alert was changed by any of this: the buffer holds the two STARTs as they were.
            assertThat(alertsIn(store)).containsExactly(undeliverable, unanswered);
        }
    }

    @Test
    void badReportsAreAnsweredWithTheFieldNamedCountedAndNotRecordedAndARetransmissionOnce() throws Exception {
        AlertDeliveries deliveries = new AlertDeliveries();
        Pcd04Encoder gateway = new Pcd04Encoder(
                new Pcd01Encoder.Sender(APP, EUI, "ICU", "AM", "HOSP"), new CareLocation("ICU", "12", "1", ""));
        Pcd04Encoder other = new Pcd04Encoder(
                new Pcd01Encoder.Sender("OTHER_GW", "FEDCBA9876543210", "ICU", "AM", "HOSP"),
                new CareLocation("ICU", "12", "1", ""));
        AlertReport alert = Pcd04SinkTest.start("7", Instant.now());
        Pcd05Encoder am = new Pcd05Encoder("AM", "HOSP");
        HapiContext context = Hl7Parser.newContext();
        try (Pcd05Inbound in = inbound(deliveries)) {
            in.start();
            Connection c = context.newClient("127.0.0.1", in.address().getPort(), false);
            c.getInitiator().setTimeout(10, TimeUnit.SECONDS);
            ORU_R01 sent = gateway.encode(alert, Instant.now(), null);
            Pcd05Encoder.Status delivered = new Pcd05Encoder.Status(
                    Pcd05Report.Disposition.DELIVERED, "D-1", true, null, "pager-12", Instant.now());

            ORU_R01 unknownStatus = am.report(sent, "BAD-1", Instant.now(), List.of(delivered));
            Terser.set(segment(unknownStatus), 3, 0, 2, 1, "Paged");
            Message ack1 = c.getInitiator().sendAndReceive(unknownStatus);
            assertThat(new Terser(ack1).get("/MSA-1")).isEqualTo("CE");
            assertThat(new Terser(ack1).get("/ERR-8")).contains("PRT-3.2 'Paged'");
            assertThat(new Terser(ack1).get("/ERR-2-1")).isEqualTo("PRT");

            Message ack2 = c.getInitiator()
                    .sendAndReceive(am.report(
                            other.encode(alert, Instant.now(), null), "BAD-2", Instant.now(), List.of(delivered)));
            assertThat(new Terser(ack2).get("/MSA-1")).isEqualTo("CE");
            assertThat(new Terser(ack2).get("/ERR-8")).contains("no alert of this gateway");

            ORU_R01 good = am.report(sent, "GOOD-1", Instant.now(), List.of(delivered));
            assertThat(new Terser(c.getInitiator().sendAndReceive(good)).get("/MSA-1"))
                    .isEqualTo("CA");
            assertThat(new Terser(c.getInitiator().sendAndReceive(good)).get("/MSA-1"))
                    .isEqualTo("CA");
            c.close();

            assertThat(in.outcomes())
                    .containsEntry("bad_value", 2L)
                    .containsEntry("recorded", 1L)
                    .containsEntry("duplicate", 1L);
            assertThat(deliveries.of(alert.alertId()).reports()).isEqualTo(1);
            assertThat(deliveries.size()).isEqualTo(1); // nothing of the refused reports
        } finally {
            context.close();
        }
    }

    private static ca.uhn.hl7v2.model.Segment segment(ORU_R01 m) throws Exception {
        return (ca.uhn.hl7v2.model.Segment)
                m.getPATIENT_RESULT().getORDER_OBSERVATION().get("PRT");
    }
}
