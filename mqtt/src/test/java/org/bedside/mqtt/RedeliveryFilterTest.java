package org.bedside.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.buffer.StoredRecord;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedeliveryFilterTest {
    private static final DeviceId HUB = DeviceId.of("bed12-hub");
    private static final Instant T0 = Instant.parse("2026-12-02T05:00:00Z");

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final InstantSource clock = () -> now.get();

    /** The same measurement as a redelivery decodes it: only the receive time differs. */
    private static NumericReading spo2(int value, Instant measured, Instant received) {
        return new NumericReading(
                HUB, Metrics.SPO2, BigDecimal.valueOf(value), UcumUnit.PERCENT, Quality.VALID, measured, received);
    }

    private static long numerics(ChronicleReadingStore store) throws Exception {
        return store.readAll().stream()
                .map(StoredRecord::readings)
                .flatMap(List::stream)
                .filter(NumericReading.class::isInstance)
                .count();
    }

    @Test
    void dropsARedeliveredMeasurementButKeepsANewOneAndTheLinkStatus() throws Exception {
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                RedeliveryFilter filter = RedeliveryFilter.open(store, HUB, 100, Duration.ofHours(1), clock)) {
            filter.accept(List.of(spo2(97, T0, T0.plusMillis(5))));
            filter.accept(List.of(spo2(97, T0, T0.plusSeconds(3)))); // redelivered: new receive time
            filter.accept(List.of(spo2(96, T0, T0.plusSeconds(4)))); // same time, another value: not a redelivery
            Reading up = new DeviceStatus(HUB, DeviceStatus.Code.CONNECTED, "connected", null, T0.plusSeconds(5));
            filter.accept(List.of(up));
            filter.accept(
                    List.of(new DeviceStatus(HUB, DeviceStatus.Code.CONNECTED, "connected", null, T0.plusSeconds(6))));

            assertThat(filter.duplicates()).isEqualTo(1);
            assertThat(numerics(store)).isEqualTo(2);
            assertThat(store.readAll()).hasSize(4);
        }
    }

    @Test
    void remembersAcrossARestartByReadingTheBufferBackFromItsBookmark() throws Exception {
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                RedeliveryFilter filter = RedeliveryFilter.open(store, HUB, 3, Duration.ofHours(1), clock)) {
            for (int i = 0; i < 200; i++) {
                filter.accept(List.of(spo2(90 + i % 10, T0.plusSeconds(i), T0.plusSeconds(i))));
            }
            assertThat(filter.remembered()).isEqualTo(3);
        }
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                RedeliveryFilter again = RedeliveryFilter.open(store, HUB, 3, Duration.ofHours(1), clock)) {
            // The bookmark trails the last remembered measurements; reading back finds them (and not all 200).
            assertThat(again.remembered()).isBetween(3, 3 + 64);
            again.accept(List.of(spo2(90 + 199 % 10, T0.plusSeconds(199), T0.plusSeconds(500))));
            assertThat(again.duplicates()).isEqualTo(1);
            assertThat(numerics(store)).isEqualTo(200);
        }
    }

    @Test
    void aSilentDeviceDoesNotHoldTheBookmarkBackPastTheHorizon() throws Exception {
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                RedeliveryFilter filter = RedeliveryFilter.open(store, HUB, 100, Duration.ofMinutes(10), clock)) {
            filter.accept(List.of(spo2(97, T0, T0)));
            assertThat(filter.remembered()).isEqualTo(1);
            filter.expire(T0.plus(Duration.ofMinutes(11)));
            assertThat(filter.remembered()).isZero();
        }
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir);
                RedeliveryFilter again = RedeliveryFilter.open(store, HUB, 100, Duration.ofMinutes(10), clock)) {
            assertThat(again.remembered()).isZero();
            assertThat(store.pendingRecords(RedeliveryFilter.cursorName(HUB))).isZero();
        }
    }

    @Test
    void cursorNamesAreValidAndKeepSimilarDeviceNamesApart() {
        assertThat(RedeliveryFilter.cursorName(DeviceId.of("Bed.1"))).matches("[a-z0-9][a-z0-9-]{0,63}");
        assertThat(RedeliveryFilter.cursorName(DeviceId.of("Bed.1")))
                .isNotEqualTo(RedeliveryFilter.cursorName(DeviceId.of("bed-1")));
    }
}
