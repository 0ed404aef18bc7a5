package org.bedside.buffer.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.ReadingStore;
import org.bedside.buffer.SampleReadings;
import org.bedside.buffer.StoredRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleReadingStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    private static List<Long> appendFrames(ReadingStore store, int n) throws Exception {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            positions.add(store.append(SampleReadings.frame(T0.plusSeconds(i))));
        }
        return positions;
    }

    @Test
    void readsBackEveryRecordInOrderWithItsReadings() throws Exception {
        try (ReadingStore store = ChronicleReadingStore.open(dir)) {
            List<Long> positions = appendFrames(store, 20);
            assertThat(positions).isSorted().doesNotHaveDuplicates();
            List<StoredRecord> all = store.readAll();
            assertThat(all).extracting(StoredRecord::position).isEqualTo(positions);
            assertThat(all.get(7).readings()).isEqualTo(SampleReadings.frame(T0.plusSeconds(7)));
        }
    }

    @Test
    void aCursorMovesOnlyWhenItCommitsAndResumesThereAfterAReopen() throws Exception {
        List<Long> positions;
        try (ReadingStore store = ChronicleReadingStore.open(dir)) {
            positions = appendFrames(store, 10);
            try (ReadingCursor cursor = store.cursor("uplink")) {
                for (int i = 0; i < 6; i++) {
                    assertThat(cursor.next().position()).isEqualTo(positions.get(i));
                }
                cursor.commit(positions.get(3));
                assertThat(store.pendingRecords("uplink")).isEqualTo(6);
                assertThat(store.oldestPending("uplink")).contains(T0.plusSeconds(4));
            }
        }
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor cursor = store.cursor("uplink")) {
            assertThat(cursor.committedPosition()).isEqualTo(positions.get(3));
            assertThat(cursor.next().position()).isEqualTo(positions.get(4));
            assertThat(cursor.next().position()).isEqualTo(positions.get(5));
            cursor.rewind();
            assertThat(cursor.next().position()).isEqualTo(positions.get(4));
        }
    }

    @Test
    void aCommitIsWrittenEvenWhileItsThreadIsBeingInterrupted() throws Exception {
        // A consumer being stopped is interrupted (to cut short a wait or an HTTP request); what it has acknowledged
        // must still be recorded.
        List<Long> positions;
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor cursor = store.cursor("uplink")) {
            positions = appendFrames(store, 3);
            cursor.next();
            cursor.next();
            Thread.currentThread().interrupt();
            try {
                cursor.commit(positions.get(1));
            } finally {
                assertThat(Thread.interrupted())
                        .as("the interrupt is left for the caller")
                        .isTrue();
            }
        }
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor cursor = store.cursor("uplink")) {
            assertThat(cursor.committedPosition()).isEqualTo(positions.get(1));
        }
    }

    @Test
    void countsThePendingRecordsOfEachDeviceAfterTheCursorsCommittedPosition() throws Exception {
        org.bedside.model.DeviceId pump = org.bedside.model.DeviceId.of("bed12-pump");
        try (ReadingStore store = ChronicleReadingStore.open(dir)) {
            assertThat(store.pendingRecordsByDevice("uplink")).contains(java.util.Map.of());
            List<Long> positions = appendFrames(store, 3);
            for (int i = 0; i < 2; i++) {
                store.append(List.of(new org.bedside.model.NumericReading(
                        pump,
                        org.bedside.model.Metrics.SPO2,
                        new java.math.BigDecimal("5"),
                        org.bedside.model.UcumUnit.PERCENT,
                        org.bedside.model.Quality.VALID,
                        null,
                        T0.plusSeconds(10 + i))));
            }
            assertThat(store.pendingRecordsByDevice("uplink"))
                    .contains(java.util.Map.of(SampleReadings.DEVICE.value(), 3L, "bed12-pump", 2L));
            try (ReadingCursor cursor = store.cursor("uplink")) {
                cursor.next();
                cursor.next();
                cursor.commit(positions.get(1));
            }
            assertThat(store.pendingRecordsByDevice("uplink"))
                    .contains(java.util.Map.of(SampleReadings.DEVICE.value(), 1L, "bed12-pump", 2L));
            assertThat(store.pendingRecords("uplink")).isEqualTo(3);
        }
    }

    @Test
    void aForgottenCursorNoLongerHoldsItsPositionAcrossAReopen() throws Exception {
        List<Long> positions;
        try (ReadingStore store = ChronicleReadingStore.open(dir)) {
            positions = appendFrames(store, 4);
            try (ReadingCursor c = store.cursor("release-r1-fhir")) {
                c.next();
                c.commit(positions.get(0));
            }
            assertThat(store.pendingRecords("release-r1-fhir")).isEqualTo(3);
            store.forgetCursor("release-r1-fhir");
            store.forgetCursor("release-r9-fhir"); // none: nothing happens
            assertThat(store.pendingRecords("release-r1-fhir")).isEqualTo(4);
        }
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor again = store.cursor("release-r1-fhir")) {
            assertThat(again.committedPosition()).isEqualTo(ReadingStore.NONE);
            assertThat(again.next().position()).isEqualTo(positions.get(0));
        }
    }

    @Test
    void cursorsAreIndependentAndNewOnesStartAtTheBeginning() throws Exception {
        try (ReadingStore store = ChronicleReadingStore.open(dir)) {
            List<Long> positions = appendFrames(store, 3);
            try (ReadingCursor a = store.cursor("uplink");
                    ReadingCursor b = store.cursor("alarms")) {
                a.commit(positions.get(2));
                assertThat(b.next().position()).isEqualTo(positions.get(0));
                assertThat(store.pendingRecords("uplink")).isZero();
                assertThat(store.pendingRecords("alarms")).isEqualTo(3);
                assertThat(store.oldestPending("uplink")).isEmpty();
            }
        }
    }

    @Test
    void aCursorSeesRecordsAppendedAfterItReachedTheEnd() throws Exception {
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor cursor = store.cursor("uplink")) {
            assertThat(cursor.next()).isNull();
            long p = store.append(SampleReadings.frame(T0));
            assertThat(cursor.next().position()).isEqualTo(p);
            assertThat(cursor.next()).isNull();
        }
    }

    @Test
    void refusesToMoveACursorBackwards() throws Exception {
        try (ReadingStore store = ChronicleReadingStore.open(dir);
                ReadingCursor cursor = store.cursor("uplink")) {
            List<Long> positions = appendFrames(store, 3);
            cursor.commit(positions.get(2));
            assertThatThrownBy(() -> cursor.commit(positions.get(1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void appendingAfterCloseFailsWithAStoreException() throws Exception {
        ReadingStore store = ChronicleReadingStore.open(dir);
        store.close();
        assertThatThrownBy(() -> store.append(SampleReadings.frame(T0)))
                .isInstanceOf(org.bedside.buffer.StoreException.class)
                .hasMessageContaining("closed");
    }
}
