package org.bedside.alarms.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.bedside.alarms.AlarmPolicy;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.consumer.BufferConsumer;
import org.bedside.buffer.consumer.ConsumerSettings;
import org.bedside.buffer.consumer.DeadLetterStore;
import org.bedside.buffer.consumer.TrustedClock;
import org.bedside.drivers.testing.Await;
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
 * The engine behind the buffer's consumer loop, on a real Chronicle store: notifications appended to the buffer, the
 * cursor held back while a condition is open, and a restart (a new consumer and sink over the same directory, as after
 * a kill) that neither loses nor repeats a notification.
 */
class AlarmEngineSinkTest {
    private static final DeviceId OXIMETER = DeviceId.of("bed12-spo2");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static NumericReading spo2(int value, Instant t) {
        return new NumericReading(
                OXIMETER, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, t, t);
    }

    /** One value a second from {@code from}: {@code values[i]} at {@code from + i s}. */
    private static void append(ChronicleReadingStore store, Instant from, int... values) throws Exception {
        for (int i = 0; i < values.length; i++) {
            store.append(List.<Reading>of(spo2(values[i], from.plusSeconds(i))));
        }
    }

    private static int[] repeat(int value, int times) {
        int[] v = new int[times];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static List<AlertReport> alerts(ChronicleReadingStore store) throws Exception {
        List<AlertReport> out = new ArrayList<>();
        for (StoredRecord r : store.readAll()) {
            for (Reading reading : r.readings()) {
                if (reading instanceof AlertReport a) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private BufferConsumer<AlertReport> consumer(ChronicleReadingStore store, AlarmEngineSink sink) {
        return new BufferConsumer<>(
                new ConsumerSettings(
                        AlarmEngineSink.CURSOR,
                        1000,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        Duration.ofDays(36500),
                        Duration.ofMillis(100),
                        3,
                        Duration.ofMinutes(10)),
                store,
                sink,
                deadLetters(),
                InstantSource.system(),
                TrustedClock.ALWAYS);
    }

    private DeadLetterStore deadLetters() {
        try {
            return new DeadLetterStore(dir.resolve("dead-letters"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private AlarmEngineSink sink(ChronicleReadingStore store) throws Exception {
        return new AlarmEngineSink(
                store,
                d -> AlarmPolicy.defaults(),
                dir.resolve("alarms"),
                // The engine's clock stays behind these scripted frames, so that only the frames decide (a metric that
                // stops coming would otherwise end the condition as a dropout, a test of its own in the engine).
                Duration.ofHours(1),
                Duration.ofHours(1),
                InstantSource.system());
    }

    @Test
    void aDesaturationIsAppendedAsOneAlertWithItsStartAndEnd() throws Exception {
        Instant t0 = Instant.now().minusSeconds(120);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, t0, repeat(97, 10));
            append(store, t0.plusSeconds(10), repeat(86, 20)); // 20 s below 90: past the 15 s delay
            append(store, t0.plusSeconds(30), repeat(96, 20)); // clear for longer than the 10 s hold
            AlarmEngineSink sink = sink(store);
            try (BufferConsumer<AlertReport> c = consumer(store, sink)) {
                c.start();
                Await.until(
                        "start and end in the buffer", WAIT, () -> sink.stats().appended() == 2);
                Await.until(
                        "the cursor committed up to the last value",
                        WAIT,
                        () -> pendingOf(store) <= 2); // the two notifications themselves may still be ahead
            }
            List<AlertReport> alerts = alerts(store);
            assertThat(alerts)
                    .extracting(AlertReport::phase)
                    .containsExactly(AlertReport.Phase.START, AlertReport.Phase.END);
            assertThat(alerts)
                    .extracting(AlertReport::alertId)
                    .containsOnly(alerts.get(0).alertId());
            assertThat(alerts.get(0).receivedAt()).isEqualTo(t0.plusSeconds(10 + 15));
            assertThat(sink.openAlerts()).isEmpty();
            assertThat(Files.readString(dir.resolve("alarms/rebuild-point"))).startsWith("bedside-alarm-rebuild 1");
        }
    }

    @Test
    void whileAConditionIsOpenTheCursorStaysBeforeItsFirstFrame() throws Exception {
        Instant t0 = Instant.now().minusSeconds(60);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, t0, repeat(97, 5));
            long firstLow = store.append(List.<Reading>of(spo2(85, t0.plusSeconds(5))));
            append(store, t0.plusSeconds(6), repeat(85, 20));
            AlarmEngineSink sink = sink(store);
            try (BufferConsumer<AlertReport> c = consumer(store, sink)) {
                c.start();
                Await.until("the start appended", WAIT, () -> sink.stats().appended() == 1);
                Await.until("something committed", WAIT, () -> committed(store) != -1);
                assertThat(sink.openAlerts())
                        .singleElement()
                        .extracting(AlertReport::phase)
                        .isEqualTo(AlertReport.Phase.START);
            }
            assertThat(committed(store)).isLessThan(firstLow);
        }
    }

    @Test
    void aRestartInTheMiddleOfAnAlertLosesNeitherItsStartNorItsEndAndRepeatsNothing() throws Exception {
        Instant t0 = Instant.now().minusSeconds(120);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, t0, repeat(97, 5));
            append(store, t0.plusSeconds(5), repeat(85, 25));
            AlarmEngineSink first = sink(store);
            try (BufferConsumer<AlertReport> c = consumer(store, first)) {
                c.start();
                Await.until("the start appended", WAIT, () -> first.stats().appended() == 1);
                Await.until(
                        "the rebuild point stored", WAIT, () -> first.stats().lastPointWrite() != null);
            }
            // The rest of the desaturation and its recovery arrive while the engine is down.
            append(store, t0.plusSeconds(30), repeat(84, 10));
            append(store, t0.plusSeconds(40), repeat(97, 20));

            AlarmEngineSink second = sink(store);
            try (BufferConsumer<AlertReport> c = consumer(store, second)) {
                c.start();
                Await.until("the end appended", WAIT, () -> second.stats().appended() == 1);
                Await.until(
                        "the replay dropped the start it gave again",
                        WAIT,
                        () -> second.stats().duplicatesDropped() == 1);
            }
            List<AlertReport> alerts = alerts(store);
            assertThat(alerts)
                    .extracting(AlertReport::phase)
                    .containsExactly(AlertReport.Phase.START, AlertReport.Phase.END);
            assertThat(alerts)
                    .extracting(AlertReport::alertId)
                    .containsOnly(alerts.get(0).alertId());
            assertThat(alerts).extracting(AlertReport::notificationId).doesNotHaveDuplicates();
        }
    }

    @Test
    void withoutARebuildPointOldFramesAreHistory() throws Exception {
        Instant old = Instant.now().minus(Duration.ofHours(3));
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir.resolve("buffer"))) {
            append(store, old, repeat(80, 40));
            AlarmEngineSink sink = sink(store);
            try (BufferConsumer<AlertReport> c = consumer(store, sink)) {
                c.start();
                Await.until("the old frames read", WAIT, () -> sink.stats().historySkipped() == 40);
            }
            assertThat(alerts(store)).isEmpty();
        }
    }

    private static long committed(ChronicleReadingStore store) {
        try (var c = store.cursor(AlarmEngineSink.CURSOR)) {
            return c.committedPosition();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long pendingOf(ChronicleReadingStore store) {
        try {
            return store.pendingRecords(AlarmEngineSink.CURSOR);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
