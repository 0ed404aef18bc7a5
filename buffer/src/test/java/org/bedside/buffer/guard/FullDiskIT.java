package org.bedside.buffer.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bedside.buffer.chronicle.ChronicleReadingStore;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on a real, small file system: a 48 MiB tmpfs filled by the gateway's own readings (a monitor sending
 * waveforms). Chronicle Queue maps its files and dies with SIGBUS when a page cannot be allocated; with the guard, the
 * buffer thins, then keeps only alarms and the latest values, and never fills the disk. Mounting needs root (the build
 * machines run as root); elsewhere this test is skipped and GuardedStoreTest covers the policy with an injected
 * free-space source.
 */
class FullDiskIT {
    private static final DeviceId DEVICE = DeviceId.of("bed1-monitor");

    @TempDir
    Path base;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = base.resolve("small");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(
                mounted,
                "mounting a tmpfs needs root: " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<Reading> frame(int i) {
        Instant t = Instant.ofEpochSecond(1_763_800_000L).plusMillis(i * 10L);
        double[] wave = new double[250];
        for (int k = 0; k < wave.length; k++) {
            wave[k] = Math.sin((i * 250 + k) / 20.0);
        }
        List<Reading> readings = new ArrayList<>();
        readings.add(new NumericReading(
                DEVICE, Metrics.SPO2, BigDecimal.valueOf(90 + i % 10), UcumUnit.PERCENT, Quality.VALID, null, t));
        readings.add(new WaveformSegment(
                DEVICE,
                MetricCode.mdc(150452, "MDC_PULS_OXIM_PLETH", null, "Pleth"),
                UcumUnit.DIMENSIONLESS,
                Duration.ofMillis(4),
                wave,
                Quality.VALID,
                null,
                t));
        if (i % 100 == 0) {
            readings.add(new AlarmEvent(
                    DEVICE,
                    "spo2-low",
                    Metrics.SPO2,
                    AlarmEvent.Kind.PHYSIOLOGICAL,
                    AlarmEvent.Priority.UNKNOWN,
                    AlarmEvent.State.ACTIVE,
                    "SpO2 low",
                    null,
                    t));
        }
        return readings;
    }

    @Test
    void theGuardKeepsARealSmallDiskFromFillingAndNeverDropsAnAlarm() throws Exception {
        Path buffer = mount.resolve("buffer");
        Files.createDirectories(buffer);
        GuardSettings settings = new GuardSettings(0.30, 0.40, 0.10, Duration.ofSeconds(60));
        int alarms = 0;
        int i = 0;
        try (GuardedStore store =
                new GuardedStore(ChronicleReadingStore.open(buffer), FreeSpace.of(buffer), settings)) {
            // 1. The monitor's waveforms fill the disk until the guard starts thinning.
            while (store.status().level() == GuardStatus.Level.NORMAL) {
                assertThat(i).as("frames before thinning started").isLessThan(40_000);
                store.append(frame(i));
                alarms += i % 100 == 0 ? 1 : 0;
                i++;
            }
            assertThat(store.status().level()).isEqualTo(GuardStatus.Level.THINNING);
            // 2. Thinning holds the line: 20,000 more frames (another 40 MB offered) barely move the disk.
            double freeWhenThinning = store.status().freeShare();
            for (int n = 0; n < 20_000; n++, i++) {
                store.append(frame(i));
                alarms += i % 100 == 0 ? 1 : 0;
            }
            assertThat(store.status().freeShare()).isGreaterThan(freeWhenThinning - 0.02);
            assertThat(store.status().thinned().get("waveform")).isGreaterThanOrEqualTo(20_000);

            // 3. Something else on the box fills the disk: critical. Alarms are still stored, nothing crashes.
            Path filler = mount.resolve("filler");
            long room = Files.getFileStore(buffer).getUsableSpace();
            Files.write(filler, new byte[(int) (room - 3L * 1024 * 1024)]);
            for (int n = 0; n < 5_000; n++, i++) {
                store.append(frame(i));
                alarms += i % 100 == 0 ? 1 : 0;
            }
            GuardStatus critical = store.status();
            assertThat(critical.level()).isEqualTo(GuardStatus.Level.CRITICAL);
            assertThat(critical.reason()).contains("only alarms, device status and the latest value");

            // 4. The filler goes: back to normal above the low watermark; the held latest value is stored.
            Files.delete(filler);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.status().level() == GuardStatus.Level.CRITICAL && System.nanoTime() < deadline) {
                store.append(frame(i)); // the device goes on sending; the guard looks again within 1 s
                alarms += i % 100 == 0 ? 1 : 0;
                i++;
                store.flush();
            }
            assertThat(store.status().level()).isIn(GuardStatus.Level.NORMAL, GuardStatus.Level.THINNING);
        }
        int lastFrame = i - 1;
        try (ChronicleReadingStore reopened = ChronicleReadingStore.open(buffer)) {
            List<Reading> stored = reopened.readAll().stream()
                    .flatMap(r -> r.readings().stream())
                    .toList();
            assertThat(stored).filteredOn(AlarmEvent.class::isInstance).hasSize(alarms);
            NumericReading last = (NumericReading) stored.stream()
                    .filter(NumericReading.class::isInstance)
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(last.value()).isEqualByComparingTo(BigDecimal.valueOf(90 + lastFrame % 10));
        }
    }
}
