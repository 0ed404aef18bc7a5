package org.bedside.buffer.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.bedside.buffer.ReadingCursor;
import org.bedside.buffer.StoreOptions;
import org.bedside.model.DeviceId;
import org.bedside.model.DeviceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daily files that every cursor has committed past are deleted; nothing a cursor still needs is. */
class RetentionTest {
    @TempDir
    Path dir;

    private long files() throws Exception {
        try (DirectoryStream<Path> s =
                Files.newDirectoryStream(dir.resolve(Generations.current(dir)).resolve("queue"), "*.cq4")) {
            long n = 0;
            for (Path ignored : s) {
                n++;
            }
            return n;
        }
    }

    @Test
    void deletesOnlyDaysThatEveryCursorHasCommittedPast() throws Exception {
        SetTimeProvider clock =
                new SetTimeProvider(Instant.parse("2026-11-20T12:00:00Z").toEpochMilli());
        StoreOptions options = StoreOptions.DEFAULT;
        try (ChronicleReadingStore store = ChronicleReadingStore.open(dir, options, clock);
                ReadingCursor uplink = store.cursor("uplink");
                ReadingCursor alarms = store.cursor("alarms")) {
            List<Long> positions = new ArrayList<>();
            for (int day = 0; day < 3; day++) {
                for (int i = 0; i < 10; i++) {
                    positions.add(store.append(List.of(new DeviceStatus(
                            DeviceId.of("d"),
                            DeviceStatus.Code.CONNECTED,
                            "day " + day + " #" + i,
                            null,
                            Instant.ofEpochMilli(clock.currentTimeMillis())))));
                }
                clock.advanceMillis(Duration.ofDays(1).toMillis());
            }
            assertThat(files()).isEqualTo(3);
            assertThat(store.deleteAcknowledged()).as("no cursor committed yet").isZero();

            uplink.commit(positions.get(25)); // in day 2
            alarms.commit(positions.get(12)); // in day 1
            assertThat(store.deleteAcknowledged()).as("day 0 only").isEqualTo(1);
            assertThat(files()).isEqualTo(2);
            assertThat(store.readAll()).hasSize(20);

            alarms.commit(positions.get(29));
            assertThat(store.deleteAcknowledged()).as("day 1; day 2 is today").isEqualTo(1);
            assertThat(store.readAll()).hasSize(10);
            assertThat(store.deletedCycleFiles()).isEqualTo(2);
            uplink.rewind();
            assertThat(uplink.next().position()).isEqualTo(positions.get(26));
        }
    }
}
