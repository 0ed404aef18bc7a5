package org.bedside.runtime.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.buffer.guard.FreeSpace;
import org.bedside.buffer.guard.GuardSettings;
import org.bedside.buffer.guard.GuardedStore;
import org.bedside.drivers.testing.Await;
import org.bedside.model.DeviceId;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.UcumUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's window is fed from a real store through its append listener and a live cursor, and only from now on. */
class PageFeedTest {
    @TempDir
    Path dir;

    private static NumericReading spo2(String value) {
        return new NumericReading(
                DeviceId.of("bed12-spo2"),
                Metrics.SPO2,
                new BigDecimal(value),
                UcumUnit.PERCENT,
                Quality.VALID,
                null,
                Instant.now());
    }

    @Test
    void seesWhatIsAppendedAfterItStartsAndNothingBefore() throws Exception {
        ChronicleReadingStore chronicle = ChronicleReadingStore.open(dir.resolve("buffer"));
        GuardedStore store = new GuardedStore(chronicle, FreeSpace.of(dir), GuardSettings.DEFAULT);
        PageFeed feed = new PageFeed();
        feed.store = store;
        try {
            store.append(List.of(spo2("91")));
            feed.onStart(new StartupEvent());
            // The first look opens the live cursor at the end of the store: what came before is not shown.
            assertThat(feed.recent().latest(Instant.now())).isEmpty();
            store.append(List.of(spo2("97")));
            Await.until(
                    "the new value reaches the page's window",
                    Duration.ofSeconds(5),
                    () -> feed.recent().latest(Instant.now()).stream().anyMatch(l -> "97".equals(l.value())));
            assertThat(feed.recent().latest(Instant.now()))
                    .extracting(RecentReadings.Latest::value)
                    .containsExactly("97");
        } finally {
            feed.onStop(new ShutdownEvent());
            store.close();
        }
    }
}
