package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.bedside.hl7.mllp.MllpHandler;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PCD-04 consumer against a real MLLP receiver (the hl7 module's listener on HAPI): what arrives is parsed back by
 * HAPI; the watchdog; late marking; the Alert Manager away (the supervision alarm, then everything delivered when it is
 * back); a message it keeps answering CE.
 */
class Pcd04SinkTest {
    private static final DeviceId OXIMETER = DeviceId.of("bed12-spo2");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Hl7Parser parser = new Hl7Parser();

    static AlertReport start(String id, Instant at) {
        return new AlertReport(
                OXIMETER,
                "bed12-spo2/150456-low/" + id,
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
                at.minusSeconds(15),
                null,
                null,
                at);
    }

    private static MllpListener listener(int port, MllpHandler handler) throws Exception {
        return new MllpListener(
                        MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                                .build(),
                        handler)
                .start();
    }

    private Pcd04Sink sink(int port, Duration heartbeat) {
        MllpClient client =
                new MllpClient(MllpClientConfig.of("127.0.0.1", port).withAckTimeout(Duration.ofSeconds(5)));
        Pcd04Encoder encoder = new Pcd04Encoder(
                new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"),
                new CareLocation("ICU", "12", "1", ""));
        return new Pcd04Sink(
                client,
                "127.0.0.1:" + port,
                encoder,
                new Pcd04Sink.Settings(heartbeat, Duration.ofSeconds(30), Duration.ofSeconds(1)),
                InstantSource.system());
    }

    private BufferConsumer<Pcd04Sink.Outgoing> consumer(ChronicleReadingStore store, Pcd04Sink sink) throws Exception {
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

    private ORU_R01 parse(String text) {
        return (ORU_R01) parser.parse(text, StandardCharsets.UTF_8).value().message();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void alertsAndTheWatchdogArriveAndAnOldNotificationIsMarkedLate() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Instant now = Instant.now();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                MllpListener am = listener(0, in -> {
                    received.add(in.text());
                    return Decision.accept();
                })) {
            store.append(List.<Reading>of(start("1", now.minus(Duration.ofMinutes(10)))));
            store.append(List.<Reading>of(start("2", now)));
            Pcd04Sink sink = sink(am.localAddress().getPort(), Duration.ofSeconds(1));
            try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                c.start();
                Await.until(
                        "two alerts and two watchdogs",
                        WAIT,
                        () -> sink.status().accepted() >= 4);
            }
            assertThat(sink.status().late()).isEqualTo(1);
            assertThat(sink.status().heartbeats()).isGreaterThanOrEqualTo(2);
            List<ORU_R01> alerts = received.stream()
                    .map(this::parse)
                    .filter(m -> !m.getMSH().getMessageControlID().getValue().startsWith("heartbeat-"))
                    .toList();
            assertThat(alerts)
                    .extracting(m -> m.getMSH().getMessageControlID().getValue())
                    .containsExactly("bed12-spo2/150456-low/1#0", "bed12-spo2/150456-low/2#0");
            assertThat(alerts.get(0)
                            .getPATIENT_RESULT()
                            .getORDER_OBSERVATION()
                            .getNTE()
                            .getComment(0)
                            .getValue())
                    .startsWith("LATE:");
            assertThat(alerts.get(1).getPATIENT_RESULT().getORDER_OBSERVATION().getNTEReps())
                    .isZero();
            assertThat(received)
                    .anySatisfy(text -> assertThat(parse(text)
                                    .getPATIENT_RESULT()
                                    .getORDER_OBSERVATION()
                                    .getOBSERVATION(0)
                                    .getOBX()
                                    .getObservationIdentifier()
                                    .getIdentifier()
                                    .getValue())
                            .isEqualTo(Integer.toString(Pcd04Encoder.MDC_EVT_ACTIVE)));
        }
    }

    @Test
    void anAlertManagerAwayLongerThanTheSupervisionTimeIsAnAlarmAndNothingIsLost() throws Exception {
        int port = freePort();
        List<String> received = new CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            store.append(List.<Reading>of(start("1", Instant.now())));
            Pcd04Sink sink = sink(port, Duration.ZERO);
            try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                c.start();
                Await.until("the supervision alarm", WAIT, () -> sink.status().alarm());
                assertThat(sink.status().waitingSince()).isNotNull();
                store.append(List.<Reading>of(start("2", Instant.now())));
                try (MllpListener am = listener(port, in -> {
                    received.add(in.text());
                    return Decision.accept();
                })) {
                    Await.until("both delivered", WAIT, () -> received.size() == 2);
                    Await.until("the alarm cleared", WAIT, () -> !sink.status().alarm());
                }
            }
            assertThat(received.stream()
                            .map(t -> parse(t).getMSH().getMessageControlID().getValue()))
                    .containsExactly("bed12-spo2/150456-low/1#0", "bed12-spo2/150456-low/2#0");
        }
    }

    @Test
    void aMessageAnsweredCeAgainAndAgainBecomesADeadLetterAndTheNextGoesThrough() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<String> accepted = new CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                MllpListener am = listener(0, in -> {
                    if (in.controlId().endsWith("/2#0")) {
                        attempts.incrementAndGet();
                        return Decision.retryLater("cannot store it"); // CE to an enhanced-mode message
                    }
                    accepted.add(in.controlId());
                    return Decision.accept();
                })) {
            store.append(List.<Reading>of(start("1", Instant.now())));
            store.append(List.<Reading>of(start("2", Instant.now())));
            store.append(List.<Reading>of(start("3", Instant.now())));
            Pcd04Sink sink = sink(am.localAddress().getPort(), Duration.ZERO);
            try (BufferConsumer<Pcd04Sink.Outgoing> c = consumer(store, sink)) {
                c.start();
                Await.until("the third delivered", WAIT, () -> accepted.size() == 2);
                assertThat(c.deadLetters().count()).isEqualTo(1);
            }
            assertThat(attempts.get()).isEqualTo(5);
            assertThat(accepted).containsExactly("bed12-spo2/150456-low/1#0", "bed12-spo2/150456-low/3#0");
        }
    }
}
