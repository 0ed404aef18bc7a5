package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.bedside.alarms.AlarmEngine;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.CareLocation;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalation to a second destination: the engine scripted second by second (the default policy: escalation once,
 * after 2 min), its notifications in a real buffer, and two PCD-04 consumers of the one consumer loop, each under its
 * own cursor, each to a real MLLP receiver (the hl7 module's listener on HAPI). The first Alert Manager hears the
 * whole alert; the second hears it from its escalation to its end, under the same alert id.
 */
class EscalationDestinationTest {
    private static final DeviceId OXIMETER = DeviceId.of("bed12-spo2");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Hl7Parser parser = new Hl7Parser();

    private static List<Reading> spo2(int second, String value) {
        return List.of(new NumericReading(
                OXIMETER,
                Metrics.SPO2,
                new BigDecimal(value),
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                T0.plusSeconds(second)));
    }

    private static MllpListener receiver(List<String> received) throws Exception {
        return new MllpListener(
                        MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .build(),
                        in -> {
                            received.add(in.text());
                            return Decision.accept();
                        })
                .start();
    }

    private BufferConsumer<Pcd04Sink.Outgoing> consumer(
            String cursor, ChronicleReadingStore store, MllpListener am, Predicate<AlertReport> takes)
            throws Exception {
        int port = am.localAddress().getPort();
        Pcd04Sink sink = new Pcd04Sink(
                new MllpClient(MllpClientConfig.of("127.0.0.1", port).withAckTimeout(Duration.ofSeconds(5))),
                "127.0.0.1:" + port,
                new Pcd04Encoder(
                        new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"),
                        new CareLocation("ICU", "12", "1", "")),
                // no watchdog, and "late" never: the scripted times are in the past
                new Pcd04Sink.Settings(Duration.ZERO, Duration.ofDays(36500), Duration.ofSeconds(60)),
                InstantSource.system(),
                takes,
                null);
        return new BufferConsumer<>(
                new ConsumerSettings(
                        cursor,
                        1,
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofDays(36500),
                        Duration.ofMillis(100),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                new DeadLetterStore(dir.resolve("dead-letters-" + cursor)),
                InstantSource.system(),
                TrustedClock.ALWAYS);
    }

    private List<String> controlIds(List<String> texts) {
        return texts.stream()
                .map(t -> ((ORU_R01)
                                parser.parse(t, StandardCharsets.UTF_8).value().message())
                        .getMSH()
                        .getMessageControlID()
                        .getValue())
                .toList();
    }

    @Test
    void anAlertStillActiveAfterItsEscalationTimeAlsoGoesToTheSecondDestinationUntilItsEnd() throws Exception {
        // The engine, scripted: SpO2 86 for 200 s, then 95 — start @15, escalate @135, end after the hold.
        AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
        List<AlertReport> notifications = new ArrayList<>();
        for (int s = 0; s < 200; s++) {
            notifications.addAll(engine.accept(spo2(s, "86")));
        }
        for (int s = 200; s < 230; s++) {
            notifications.addAll(engine.accept(spo2(s, "95")));
        }
        assertThat(notifications)
                .extracting(AlertReport::phase)
                .containsExactly(AlertReport.Phase.START, AlertReport.Phase.ESCALATE, AlertReport.Phase.END);
        assertThat(notifications).extracting(AlertReport::escalationLevel).containsExactly(0, 1, 1);
        String alertId = notifications.get(0).alertId();

        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                MllpListener am = receiver(first);
                MllpListener am2 = receiver(second);
                BufferConsumer<Pcd04Sink.Outgoing> toFirst = consumer(Pcd04Sink.CURSOR, store, am, a -> true);
                BufferConsumer<Pcd04Sink.Outgoing> toSecond =
                        consumer("pcd04-escalation", store, am2, Pcd04Sink.escalatedAtLeast(1))) {
            toFirst.start();
            toSecond.start();
            for (AlertReport n : notifications) {
                store.append(List.<Reading>of(n)); // alerts are buffered like any reading, then sent
            }
            Await.until("three notifications at the first", WAIT, () -> first.size() == 3);
            Await.until("two at the second", WAIT, () -> second.size() == 2);
            Await.until(
                    "both cursors past the end",
                    WAIT,
                    () -> toFirst.status().delivered() == 3 && toSecond.status().delivered() == 2);
        }
        assertThat(controlIds(first)).containsExactly(alertId + "#0", alertId + "#1", alertId + "#2");
        assertThat(controlIds(second)).containsExactly(alertId + "#1", alertId + "#2");
        // What the second destination hears is the escalated alert: priority high, phase escalate, then end.
        assertThat(second.get(0)).contains("|escalate|").contains("|PH|");
        assertThat(second.get(1)).contains("|end|");
    }
}
