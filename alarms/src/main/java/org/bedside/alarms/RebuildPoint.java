package org.bedside.alarms;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;
import org.jspecify.annotations.Nullable;

/**
 * How far back the alarm engine needs readings to rebuild its state after a crash, and which readings it must then
 * skip. A device is <em>busy</em> while it has an open condition (pending or notified), from the first frame that
 * opened one; it is <em>idle</em> otherwise. Replaying a busy device's frames from the start of its busy period, and an
 * idle device's frames after its last processed one, rebuilds exactly the state the engine had, and gives again exactly
 * the notifications it gave since (the same alert ids and update counts), which the runtime drops as already buffered.
 *
 * <p>The runtime keeps the engine's cursor in the buffer no later than {@link #earliestNeededPosition()} (or, when it
 * has no positions, at the first record received at or after {@link #earliestNeeded()}), and stores this point beside
 * the cursor ({@link #encode()}; written atomically with the commit) after every notification so far has been appended
 * to the buffer. On restart, {@link AlarmEngine#resuming} reads the records from the cursor and skips what this point
 * says is already accounted for. Why the marks are needed: replaying a device from the middle of an earlier busy
 * period would start a condition afresh and give an alert that never was; the marks say where each device's period
 * starts.
 *
 * @param devices the mark of every device the engine has seen
 */
public record RebuildPoint(Map<DeviceId, Mark> devices) {
    private static final String HEADER = "bedside-alarm-rebuild 1";

    /**
     * @param busySince the receive time of the first frame of the device's current busy period, or null when idle
     * @param busySincePosition that frame's store position, or -1 when not known
     * @param lastProcessed the receive time of the last frame of the device the engine processed
     */
    public record Mark(@Nullable Instant busySince, long busySincePosition, Instant lastProcessed) {
        /** True when a frame of this device received at {@code at} is already accounted for and must be skipped. */
        public boolean skips(Instant at) {
            return busySince != null ? at.isBefore(busySince) : !at.isAfter(lastProcessed);
        }
    }

    public RebuildPoint {
        TreeMap<DeviceId, Mark> sorted = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        sorted.putAll(devices);
        devices = Collections.unmodifiableMap(sorted);
    }

    /** The earliest receive time a rebuild needs: the start of the oldest busy period; empty when all are idle. */
    public Optional<Instant> earliestNeeded() {
        Instant min = null;
        for (Mark m : devices.values()) {
            Instant b = m.busySince();
            if (b != null && (min == null || b.isBefore(min))) {
                min = b;
            }
        }
        return Optional.ofNullable(min);
    }

    /**
     * The store position of the earliest record a rebuild needs, when every busy device's frames came with positions:
     * the engine's cursor must not be committed past it. Empty when no device is busy (everything processed may be
     * committed) — or when a busy device's position is not known, which {@link #positionsKnown()} tells apart.
     */
    public OptionalLong earliestNeededPosition() {
        long min = Long.MAX_VALUE;
        for (Mark m : devices.values()) {
            if (m.busySince() != null) {
                if (m.busySincePosition() < 0) {
                    return OptionalLong.empty();
                }
                min = Math.min(min, m.busySincePosition());
            }
        }
        return min == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(min);
    }

    /** False when a busy device's frames were given without store positions. */
    public boolean positionsKnown() {
        return devices.values().stream().noneMatch(m -> m.busySince() != null && m.busySincePosition() < 0);
    }

    /**
     * A small text form to store beside the cursor: a header line, then one line per device, {@code <device> busy
     * <busySince µs> <position> <lastProcessed µs>} or {@code <device> idle <lastProcessed µs>}.
     */
    public String encode() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        devices.forEach((d, m) -> {
            b.append(d.value());
            Instant busy = m.busySince();
            if (busy != null) {
                b.append(" busy ").append(Reading.epochMicros(busy)).append(' ').append(m.busySincePosition());
            } else {
                b.append(" idle");
            }
            b.append(' ').append(Reading.epochMicros(m.lastProcessed())).append('\n');
        });
        return b.toString();
    }

    /**
     * Reads {@link #encode()}'s form.
     *
     * @throws IllegalArgumentException naming the line that is not in that form
     */
    public static RebuildPoint parse(String text) {
        String[] lines = text.split("\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new IllegalArgumentException("alarm rebuild point: the first line is not '" + HEADER + "'");
        }
        Map<DeviceId, Mark> marks = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                DeviceId device = DeviceId.of(f[0]);
                Mark m;
                if (f.length == 5 && f[1].equals("busy")) {
                    m = new Mark(micros(f[2]), Long.parseLong(f[3]), micros(f[4]));
                } else if (f.length == 3 && f[1].equals("idle")) {
                    m = new Mark(null, -1, micros(f[2]));
                } else {
                    throw new IllegalArgumentException(
                            "expected '<device> busy <µs> <position> <µs>' or" + " '<device> idle <µs>'");
                }
                if (marks.put(device, m) != null) {
                    throw new IllegalArgumentException("device " + device + " appears twice");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "alarm rebuild point, line " + (i + 1) + " ('" + line + "'): " + e.getMessage(), e);
            }
        }
        return new RebuildPoint(marks);
    }

    private static Instant micros(String text) {
        long us = Long.parseLong(text);
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
    }
}
