package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.Delivery;
import org.bedside.buffer.consumer.Item;
import org.bedside.buffer.consumer.Lane;
import org.bedside.buffer.consumer.Sink;
import org.bedside.buffer.consumer.Translator;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
import org.bedside.hl7.Hl7Parser;
import org.bedside.hl7.mllp.Decision;
import org.bedside.hl7.mllp.MllpClient;
import org.bedside.hl7.mllp.MllpClientConfig;
import org.bedside.hl7.mllp.MllpListener;
import org.bedside.hl7.mllp.MllpListenerConfig;
import org.bedside.hl7.pcd.Pcd01Encoder;
import org.bedside.hl7.pcd.Pcd04Encoder;
import org.bedside.model.AlarmEvent;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A box whose wall clock never synchronises: the buffer stamps every record as untrusted, and a destination that waits
 * for the clock (the FHIR uplink's rule) gets nothing — but a device's high-priority alarm still reaches a real MLLP
 * Alert Manager (the hl7 module's listener on HAPI) through the engine and the PCD-04 consumer, saying that its times
 * may be off.
 */
class UntrustedClockAlarmTest {
    private static final DeviceId MONITOR = DeviceId.of("bed12-ivue");
    private static final String BOOT = "boot-never-synchronised";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The running boot's clock is never trusted. */
    private static final TrustedClock NEVER = new TrustedClock() {
        @Override
        public OptionalLong trustedOffset(String bootId) {
            return OptionalLong.empty();
        }

        @Override
        public String currentBoot() {
            return BOOT;
        }
    };

    @TempDir
    Path dir;

    private static AlarmEvent asystole(Instant t) {
        return new AlarmEvent(
                MONITOR,
                "p-4182-0c14",
                null,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                AlarmEvent.Priority.HIGH,
                AlarmEvent.State.ACTIVE,
                "Asystole",
                null,
                t);
    }

    private <T> BufferConsumer<T> consumer(ChronicleReadingStore store, Sink<T> sink, String name, int batch)
            throws Exception {
        return new BufferConsumer<>(
                new ConsumerSettings(
                        name,
                        batch,
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofDays(36500),
                        Duration.ofMillis(100),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                new DeadLetterStore(dir.resolve("dead-letters/" + name)),
                InstantSource.system(),
                NEVER);
    }

    /** A destination with the default rule (like the FHIR uplink): it waits for the clock. */
    private static final class WaitingSink implements Sink<String> {
        final AtomicInteger records = new AtomicInteger();

        @Override
        public Translator<String> translator(Lane lane) {
            return record -> {
                records.incrementAndGet();
                return List.of();
            };
        }

        @Override
        public Delivery<String> deliver(List<Item<String>> items) {
            return Delivery.delivered();
        }

        @Override
        public Letter letter(Item<String> item) {
            return new Letter(item.value(), "none", "{}");
        }
    }

    @Test
    void anAlertGoesOutAtOnceWhenTheClockIsNeverTrustedAndSaysSo() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"));
                MllpListener am = new MllpListener(
                                MllpListenerConfig.builder(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                        .build(),
                                in -> {
                                    received.add(in.text());
                                    return Decision.accept();
                                })
                        .start()) {
            store.checkClockWith(() -> new ClockStamp(BOOT, 42));
            AlarmEngineSink engine = new AlarmEngineSink(
                    store,
                    d -> AlarmPolicy.defaults(),
                    dir.resolve("alarms"),
                    Duration.ofSeconds(2),
                    Duration.ofHours(1),
                    InstantSource.system());
            int port = am.localAddress().getPort();
            Pcd04Sink pcd04 = new Pcd04Sink(
                    new MllpClient(MllpClientConfig.of("127.0.0.1", port).withAckTimeout(Duration.ofSeconds(5))),
                    "127.0.0.1:" + port,
                    new Pcd04Encoder(
                            new Pcd01Encoder.Sender("BEDSIDE_GATEWAY", "0123456789ABCDEF", "ICU", "AM", "HOSP"), null),
                    new Pcd04Sink.Settings(Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(60)),
                    InstantSource.system());
            WaitingSink uplinkLike = new WaitingSink();
            store.append(List.<Reading>of(asystole(Instant.now())));
            try (BufferConsumer<AlertReport> e = consumer(store, engine, AlarmEngineSink.CURSOR, 1000);
                    BufferConsumer<Pcd04Sink.Outgoing> p = consumer(store, pcd04, Pcd04Sink.CURSOR, 1);
                    BufferConsumer<String> w = consumer(store, uplinkLike, "uplink", 100)) {
                e.start();
                p.start();
                w.start();
                Await.until(
                        "the asystole's PCD-04 accepted",
                        WAIT,
                        () -> pcd04.status().accepted() >= 1);
                Await.until(
                        "the waiting destination says it waits for the clock",
                        WAIT,
                        () -> w.status().detail().contains("clock"));
                assertThat(uplinkLike.records)
                        .as("a destination that waits for the clock got nothing")
                        .hasValue(0);
            } finally {
                pcd04.close();
            }
            assertThat(store.readAll())
                    .as("the notification was appended while the clock was untrusted, so stamped too")
                    .filteredOn(r -> r.readings().stream().anyMatch(x -> x instanceof AlertReport))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.clock()).isNotNull());
            Hl7Parser parser = new Hl7Parser();
            List<ORU_R01> alerts = new ArrayList<>();
            for (String text : received) {
                alerts.add((ORU_R01)
                        parser.parse(text, StandardCharsets.UTF_8).value().message());
            }
            assertThat(alerts).hasSize(1);
            var order = alerts.get(0).getPATIENT_RESULT().getORDER_OBSERVATION();
            assertThat(order.getOBSERVATION(0)
                            .getOBX()
                            .getObservationValue(0)
                            .getData()
                            .encode())
                    .contains("Asystole");
            assertThat(order.getNTEReps()).isEqualTo(1);
            assertThat(order.getNTE(0).getComment(0).getValue()).isEqualTo(Pcd04Encoder.CLOCK_NOTE);
        }
    }
}
