package org.bedside.buffer.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.SampleReadings;
import org.bedside.buffer.StoreOptions;
import org.bedside.buffer.StoredRecord;
import org.bedside.model.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades with a backlog: a buffer written by an earlier release (queue files, cursor, record format version 1),
 * committed under {@code src/test/resources/golden}, is read by the current code — every reading equal, the cursor where
 * it was, and appending goes on. When the record format changes, the files of the previous version stay here, and a new
 * set is added beside them: {@code -Dgolden.update=true} writes the current version's set.
 */
class FormatUpgradeTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/format-v1-store");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    /** What the golden store holds: five frames of every kind of reading, the last one written on an untrusted clock. */
    private static List<List<Reading>> frames() {
        List<List<Reading>> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            frames.add(SampleReadings.frame(T0.plusSeconds(i)));
        }
        return frames;
    }

    private static final ClockStamp UNTRUSTED = new ClockStamp("0b0f4c6e-0000-4000-8000-000000000001", -123456789L);

    @Test
    void writeGoldenFilesWhenAsked() throws Exception {
        if (!Boolean.getBoolean("golden.update")) {
            return; // approval files are written by hand, reviewed, and committed; never in CI
        }
        deleteTree(GOLDEN);
        SetTimeProvider clock = new SetTimeProvider(T0.toEpochMilli() * 1_000_000L); // nanoseconds
        try (ChronicleReadingStore store = ChronicleReadingStore.open(GOLDEN, StoreOptions.DEFAULT, clock, 64 << 10);
                ReadingCursor cursor = store.cursor("uplink")) {
            List<List<Reading>> frames = frames();
            long second = 0;
            for (int i = 0; i < frames.size(); i++) {
                if (i == frames.size() - 1) {
                    store.checkClockWith(() -> UNTRUSTED);
                }
                long p = store.append(frames.get(i));
                if (i == 1) {
                    second = p;
                }
            }
            cursor.commit(second);
        }
    }

    @Test
    void aBufferWrittenByVersion1IsReadByTheCurrentCode() throws Exception {
        Path copy = dir.resolve("buffer");
        copyTree(GOLDEN, copy);
        try (ChronicleReadingStore store = ChronicleReadingStore.open(copy)) {
            assertThat(store.salvagedAtOpen()).as("it was closed cleanly").isFalse();
            List<StoredRecord> records = store.readAll();
            assertThat(records).hasSize(5);
            List<List<Reading>> expected = frames();
            for (int i = 0; i < 5; i++) {
                assertThat(records.get(i).isReadable())
                        .as(records.get(i).unreadable())
                        .isTrue();
                assertThat(records.get(i).readings()).isEqualTo(expected.get(i));
            }
            assertThat(records.get(3).clock()).isNull();
            assertThat(records.get(4).clock()).isEqualTo(UNTRUSTED);
            try (ReadingCursor cursor = store.cursor("uplink")) {
                assertThat(cursor.committedPosition()).isEqualTo(records.get(1).position());
                assertThat(cursor.next().position()).isEqualTo(records.get(2).position());
            }
            store.append(SampleReadings.frame(T0.plusSeconds(60)));
            assertThat(store.readAll()).hasSize(6);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        Generations.deleteTree(root);
    }
}
