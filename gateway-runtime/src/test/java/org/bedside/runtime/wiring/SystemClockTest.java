package org.bedside.runtime.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bedside.buffer.ClockStamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemClockTest {
    @TempDir
    Path dir;

    @Test
    void aClockIsTrustedOnlyWhenPlausibleAndSynchronisedAndEachBootsOffsetIsKept() throws Exception {
        AtomicReference<Instant> wall = new AtomicReference<>(Instant.parse("1970-01-01T00:05:00Z"));
        AtomicLong mono = new AtomicLong(300_000_000_000L);
        AtomicBoolean synced = new AtomicBoolean(true);
        SystemClock clock = new SystemClock(wall::get, mono::get, synced::get, "boot-1", dir);

        ClockStamp stamp = clock.untrustedStamp();
        assertThat(stamp).as("1970 is before this release: not trusted").isNotNull();
        assertThat(stamp.bootId()).isEqualTo("boot-1");
        assertThat(clock.trustedOffset("boot-1")).isEmpty();

        wall.set(Instant.parse("2026-11-22T10:00:00Z"));
        synced.set(false);
        mono.addAndGet(2_000_000_000L);
        assertThat(clock.untrustedStamp())
                .as("plausible, but NTP has not synchronised")
                .isNotNull();

        synced.set(true);
        mono.addAndGet(2_000_000_000L);
        assertThat(clock.untrustedStamp()).isNull();
        long expected = Instant.parse("2026-11-22T10:00:00Z").getEpochSecond() * 1_000_000_000L - mono.get();
        assertThat(clock.trustedOffset("boot-1")).hasValue(expected);

        // a later process reads what this boot recorded
        SystemClock later = new SystemClock(wall::get, mono::get, synced::get, "boot-2", dir);
        assertThat(later.trustedOffset("boot-1")).hasValue(expected);
        assertThat(later.currentBoot()).isEqualTo("boot-2");
    }
}
