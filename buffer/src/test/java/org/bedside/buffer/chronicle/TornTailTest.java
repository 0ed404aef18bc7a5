package org.bedside.buffer.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut can leave the tail of a queue file truncated or zero-filled while Chronicle's index still describes the
 * lost records. The store must open, keep every complete record, and go on: appends after the tear must be readable.
 */
class TornTailTest {
    private static final DeviceId DEVICE = DeviceId.of("bed12-spo2");
    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    private static Reading record(int i) {
        return new DeviceStatus(
                DEVICE,
                DeviceStatus.Code.CONNECTED,
                String.format("record-%05d", i),
                null,
                Instant.ofEpochSecond(1_763_800_000L + i));
    }

    private static List<Long> write(Path buffer, int from, int to) throws Exception {
        List<Long> positions = new ArrayList<>();
        try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer)) {
            for (int i = from; i < to; i++) {
                positions.add(store.append(List.of(record(i))));
            }
        }
        return positions;
    }

    private static Path generation(Path buffer) throws Exception {
        return buffer.resolve(Generations.current(buffer));
    }

    /** As after a power cut: the clean-close mark never reached the disk. */
    private static void forgetCleanClose(Path buffer) throws Exception {
        Files.delete(generation(buffer).resolve(Generations.CLEAN));
    }

    private static Path cycleFile(Path buffer) throws Exception {
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(generation(buffer).resolve("queue"), "*.cq4")) {
            return files.iterator().next();
        }
    }

    private static List<String> details(List<StoredRecord> records) {
        List<String> out = new ArrayList<>();
        for (StoredRecord r : records) {
            assertThat(r.isReadable()).as(r.unreadable()).isTrue();
            out.add(((DeviceStatus) r.readings().get(0)).detail());
        }
        return out;
    }

    @Test
    void keepsEveryCompleteRecordAndGoesOnAfterATornTail() throws Exception {
        Random random = new Random(2026);
        for (int trial = 0; trial < 24; trial++) {
            Path buffer = dir.resolve("trial-" + trial);
            List<Long> positions = write(buffer, 0, RECORDS);
            int committedRecord = random.nextInt(RECORDS);
            try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer);
                    ReadingCursor cursor = store.cursor("uplink")) {
                cursor.commit(positions.get(committedRecord));
            }
            forgetCleanClose(buffer);

            Path file = cycleFile(buffer);
            byte[] content = Files.readAllBytes(file);
            String text = new String(content, StandardCharsets.ISO_8859_1);
            int first = text.indexOf("record-00000");
            int last = text.indexOf(String.format("record-%05d", RECORDS - 1));
            int offset = first + random.nextInt(last + 20 - first);
            boolean truncate = trial % 2 == 0;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                if (truncate) {
                    raf.setLength(offset);
                } else {
                    raf.seek(offset);
                    raf.write(new byte[content.length - offset]);
                }
            }
            int mustSurvive = 0;
            while (mustSurvive < RECORDS && text.indexOf(String.format("record-%05d", mustSurvive)) + 16 < offset) {
                mustSurvive++;
            }

            List<String> kept;
            try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer)) {
                assertThat(store.salvagedAtOpen()).isTrue();
                kept = details(store.readAll());
                // a prefix of what was written, with every record the tear did not reach
                assertThat(kept.size())
                        .as("trial %d, %s at %d", trial, truncate ? "truncated" : "zeroed", offset)
                        .isBetween(Math.max(0, mustSurvive - 1), RECORDS);
                for (int i = 0; i < kept.size(); i++) {
                    assertThat(kept.get(i)).isEqualTo(String.format("record-%05d", i));
                }
                // the cursor moved to the copy of its record (or the last one kept before it)
                try (ReadingCursor cursor = store.cursor("uplink")) {
                    StoredRecord next = cursor.next();
                    int expectedNext = Math.min(committedRecord, kept.size() - 1) + 1;
                    if (kept.isEmpty() || expectedNext >= kept.size()) {
                        assertThat(next).isNull();
                    } else {
                        assertThat(((DeviceStatus) next.readings().get(0)).detail())
                                .isEqualTo(String.format("record-%05d", expectedNext));
                    }
                }
                // and it goes on: what is appended now is there to read
                for (int i = RECORDS; i < RECORDS + 5; i++) {
                    store.append(List.of(record(i)));
                }
                List<String> after = details(store.readAll());
                assertThat(after).hasSize(kept.size() + 5);
                assertThat(after.subList(kept.size(), after.size()))
                        .containsExactly(
                                "record-00400", "record-00401", "record-00402", "record-00403", "record-00404");
            }
            try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer)) {
                assertThat(store.salvagedAtOpen()).isFalse();
                assertThat(store.readAll()).hasSize(kept.size() + 5);
            }
        }
    }

    @Test
    void anUncleanShutdownWithNothingTornKeepsEverythingAndTheCursor() throws Exception {
        Path buffer = dir.resolve("intact");
        List<Long> positions = write(buffer, 0, 50);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer);
                ReadingCursor cursor = store.cursor("uplink")) {
            cursor.commit(positions.get(19));
        }
        forgetCleanClose(buffer);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer);
                ReadingCursor cursor = store.cursor("uplink")) {
            assertThat(store.salvagedAtOpen()).isTrue();
            assertThat(store.droppedAtOpen()).isZero();
            assertThat(details(store.readAll())).hasSize(50);
            assertThat(((DeviceStatus) cursor.next().readings().get(0)).detail())
                    .isEqualTo("record-00020");
            assertThat(store.pendingRecords("uplink")).isEqualTo(30);
        }
        // the old generation is gone
        try (DirectoryStream<Path> gens = Files.newDirectoryStream(buffer, "gen-*")) {
            assertThat(gens).hasSize(1);
        }
    }

    @Test
    void aCleanCloseNeedsNoSalvage() throws Exception {
        Path buffer = dir.resolve("clean");
        write(buffer, 0, 10);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(buffer)) {
            assertThat(store.salvagedAtOpen()).isFalse();
            assertThat(store.readAll()).hasSize(10);
        }
    }
}
