package org.bedside.buffer.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clinical retention policy, with an injected free-space source and clock (see FullDiskIT for a real small file
 * system).
 */
class GuardedStoreTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-monitor");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    private final AtomicLong free = new AtomicLong(500);
    private final AtomicLong nanos = new AtomicLong();
    private final FreeSpace space = new FreeSpace() {
        @Override
        public long usableBytes() {
            return free.get();
        }

        @Override
        public long totalBytes() {
            return 1000;
        }
    };

    private static NumericReading spo2(int second, int value) {
        return new NumericReading(
                DEVICE,
                Metrics.SPO2,
                BigDecimal.valueOf(value),
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                T0.plusSeconds(second));
    }

    private static List<Reading> frame(int second, int value) {
        return List.of(
                spo2(second, value),
                new WaveformSegment(
                        DEVICE,
                        MetricCode.mdc(150452, "MDC_PULS_OXIM_PLETH", null, "Pleth"),
                        UcumUnit.DIMENSIONLESS,
                        Duration.ofMillis(8),
                        new double[] {1, 2, 3},
                        Quality.VALID,
                        null,
                        T0.plusSeconds(second)),
                new AlarmEvent(
                        DEVICE,
                        "spo2-low",
                        Metrics.SPO2,
                        AlarmEvent.Kind.PHYSIOLOGICAL,
                        AlarmEvent.Priority.UNKNOWN,
                        AlarmEvent.State.ACTIVE,
                        "SpO2 low",
                        null,
                        T0.plusSeconds(second)));
    }

    private void second(GuardedStore store, int s, int value) throws Exception {
        nanos.set(Duration.ofSeconds(s).toNanos());
        store.append(frame(s, value));
        store.flush();
    }

    private static List<Reading> all(GuardedStore store) throws Exception {
        return store.readAll().stream().flatMap(r -> r.readings().stream()).toList();
    }

    private static List<Integer> spo2Values(List<Reading> readings) {
        return readings.stream()
                .filter(NumericReading.class::isInstance)
                .map(r -> ((NumericReading) r).value().intValue())
                .toList();
    }

    @Test
    void thinsWaveformsAndNumericsBeforeTheDiskFillsKeepingAlarmsAndTheLatestValue() throws Exception {
        GuardSettings settings = new GuardSettings(0.10, 0.15, 0.03, Duration.ofSeconds(10));
        try (GuardedStore store = new GuardedStore(ChronicleReadingStore.open(dir), space, settings, nanos::get, 0)) {
            second(store, 0, 90);
            assertThat(store.status().level()).isEqualTo(GuardStatus.Level.NORMAL);

            free.set(80); // 8 % free: below the high watermark
            for (int s = 1; s <= 25; s++) {
                second(store, s, 90 + s % 10);
            }
            GuardStatus thinning = store.status();
            assertThat(thinning.level()).isEqualTo(GuardStatus.Level.THINNING);
            assertThat(thinning.reason()).contains("8.0 % of the buffer's disk free, below 10 %");
            assertThat(thinning.thinned()).containsEntry("waveform", 25L);

            free.set(120); // between the watermarks: still thinning (hysteresis)
            second(store, 26, 96);
            assertThat(store.status().level()).isEqualTo(GuardStatus.Level.THINNING);

            free.set(200); // above the low watermark: back to normal, the held latest value is stored
            second(store, 27, 97);
            assertThat(store.status().level()).isEqualTo(GuardStatus.Level.NORMAL);

            List<Reading> stored = all(store);
            // alarms: every one of 28 seconds
            assertThat(stored).filteredOn(AlarmEvent.class::isInstance).hasSize(28);
            // waveforms only while normal
            assertThat(stored).filteredOn(WaveformSegment.class::isInstance).hasSize(2);
            // numerics: second 0, then at most one per 10 s while thinning, and the latest of the thinned run
            List<Integer> values = spo2Values(stored);
            assertThat(values.size()).isLessThan(10);
            assertThat(values).startsWith(90).endsWith(96, 97);
            assertThat(store.status().thinned().get("numeric")).isEqualTo(28 - values.size());
        }
    }

    @Test
    void whenCriticalOnlyAlarmsStatusAndTheLatestValueOfEachMetricAreKept() throws Exception {
        GuardSettings settings = new GuardSettings(0.10, 0.15, 0.03, Duration.ofSeconds(10));
        try (GuardedStore store = new GuardedStore(ChronicleReadingStore.open(dir), space, settings, nanos::get, 0)) {
            free.set(20); // 2 %
            for (int s = 0; s < 30; s++) {
                second(store, s, 80 + s % 10);
                nanos.set(Duration.ofSeconds(s).toNanos());
                store.append(List.of(
                        new DeviceStatus(DEVICE, DeviceStatus.Code.SENSOR_OFF, "sensor off", null, T0.plusSeconds(s))));
            }
            assertThat(store.status().level()).isEqualTo(GuardStatus.Level.CRITICAL);
            assertThat(spo2Values(all(store))).isEmpty();
            assertThat(all(store)).filteredOn(DeviceStatus.class::isInstance).hasSize(30);
        } // closing stores what is held: the latest value
        try (ChronicleReadingStore reopened = ChronicleReadingStore.open(dir)) {
            List<Reading> stored = reopened.readAll().stream()
                    .map(StoredRecord::readings)
                    .flatMap(List::stream)
                    .toList();
            assertThat(spo2Values(stored)).containsExactly(89);
        }
    }
}
