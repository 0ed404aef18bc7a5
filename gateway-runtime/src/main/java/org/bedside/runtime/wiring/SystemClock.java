package org.bedside.runtime.wiring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.bedside.buffer.ClockCheck;
import org.bedside.buffer.ClockStamp;
import org.bedside.buffer.consumer.TrustedClock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the box's wall clock can be trusted, and the record of each boot's clock once it could. A Raspberry Pi has no
 * real-time clock: it boots on the last saved time (or 1970) and jumps when NTP synchronises.
 *
 * <p>The wall clock is trusted when it reads no earlier than {@link #NOT_BEFORE} (the date of this release: a clock
 * reading earlier is certainly wrong) and, where systemd-timesyncd manages the clock ({@code /run/systemd/timesync}
 * exists), once it says it synchronised ({@code /run/systemd/timesync/synchronized}). When the clock is first trusted in
 * a boot, that boot's wall-minus-monotonic offset is written to {@code <data-dir>/clock/boots}, so that records stamped
 * before can be corrected, even by a later process of the same boot.
 */
public final class SystemClock implements ClockCheck, TrustedClock {
    private static final Logger LOG = LoggerFactory.getLogger(SystemClock.class);
    /** The release date: a wall clock reading earlier is certainly wrong (also told to the TLS code). */
    public static final Instant NOT_BEFORE = Instant.parse("2026-11-01T00:00:00Z");

    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final int BOOTS_KEPT = 100;

    private final InstantSource wall;
    private final LongSupplier monotonic;
    private final BooleanSupplier synchronised;
    private final String bootId;
    private final Path bootsFile;
    private final Map<String, Long> boots = new LinkedHashMap<>();
    private boolean trusted;
    private long checkedAt;
    private boolean checked;

    SystemClock(InstantSource wall, LongSupplier monotonic, BooleanSupplier synchronised, String bootId, Path dir)
            throws IOException {
        this.wall = wall;
        this.monotonic = monotonic;
        this.synchronised = synchronised;
        this.bootId = bootId;
        Files.createDirectories(dir);
        this.bootsFile = dir.resolve("boots");
        if (Files.exists(bootsFile)) {
            for (String line : Files.readAllLines(bootsFile, StandardCharsets.US_ASCII)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 2) {
                    try {
                        boots.put(parts[0], Long.parseLong(parts[1]));
                    } catch (NumberFormatException e) {
                        // a line torn by a power cut: that boot stays uncorrectable
                    }
                }
            }
        }
    }

    /** The box's clocks: the system wall clock, {@code System.nanoTime}, the kernel's boot id, timesyncd's word. */
    public static SystemClock of(Path dataDirectory) throws IOException {
        Path timesync = Path.of("/run/systemd/timesync");
        BooleanSupplier synced =
                Files.isDirectory(timesync) ? () -> Files.exists(timesync.resolve("synchronized")) : () -> true;
        return new SystemClock(
                InstantSource.system(), System::nanoTime, synced, readBootId(), dataDirectory.resolve("clock"));
    }

    private static String readBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                    .trim();
        } catch (IOException e) {
            // No boot id: this process counts as its own boot (records stay correctable while it runs).
            return "process-" + UUID.randomUUID();
        }
    }

    private long offsetNow() {
        Instant now = wall.instant();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano())
                - monotonic.getAsLong();
    }

    /** Checks the clock at most once a second; records the boot's offset the first time it is trusted. */
    public synchronized boolean isTrusted() {
        long now = monotonic.getAsLong();
        if (checked && now - checkedAt < RECHECK_NANOS) {
            return trusted;
        }
        checked = true;
        checkedAt = now;
        boolean was = trusted;
        trusted = !wall.instant().isBefore(NOT_BEFORE) && synchronised.getAsBoolean();
        if (trusted && !boots.containsKey(bootId)) {
            long offset = offsetNow();
            boots.put(bootId, offset);
            while (boots.size() > BOOTS_KEPT) {
                boots.remove(boots.keySet().iterator().next());
            }
            try {
                Files.writeString(
                        bootsFile,
                        bootId + " " + offset + "\n",
                        StandardCharsets.US_ASCII,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND,
                        StandardOpenOption.SYNC);
            } catch (IOException e) {
                LOG.warn("Cannot record the clock of this boot in {}: {}", bootsFile, e.getMessage());
            }
        }
        if (was != trusted) {
            if (trusted) {
                LOG.info(
                        "The wall clock is trusted ({}): readings taken before are charted at corrected times",
                        wall.instant());
            } else {
                LOG.warn(
                        "The wall clock is not trusted ({}): readings are stamped and charted once it is",
                        wall.instant());
            }
        }
        return trusted;
    }

    @Override
    public @Nullable ClockStamp untrustedStamp() {
        return isTrusted() ? null : new ClockStamp(bootId, offsetNow());
    }

    @Override
    public synchronized OptionalLong trustedOffset(String boot) {
        isTrusted();
        Long o = boots.get(boot);
        return o == null ? OptionalLong.empty() : OptionalLong.of(o);
    }

    @Override
    public String currentBoot() {
        return bootId;
    }

    List<String> knownBoots() {
        return List.copyOf(boots.keySet());
    }
}
