package org.bedside.alarms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.bedside.model.AlertReport;
import org.bedside.model.DeviceId;
import org.bedside.model.Reading;

/**
 * The alarm engine: readings in, alert notifications out. Pure — no threads, no clock reads, no I/O — so tests script
 * it and a replay gives the same result: time is only ever the receive time of the readings, or a clock value the
 * caller passes to {@link #advanceTo}.
 *
 * <pre>
 * AlarmEngine engine = new AlarmEngine(AlarmPolicy.defaults());
 * for (StoredRecord record : cursor) {
 *     for (AlertReport alert : engine.accept(record.readings(), record.position())) {
 *         store.append(List.of(alert));            // alerts are buffered like readings, then sent
 *     }
 * }
 * engine.advanceTo(watermark);                     // every second: ends, delays and escalations of silent devices
 * </pre>
 *
 * <p>What goes in: a record's readings (one frame of one device; readings are grouped by device and receive time, so a
 * list of several frames is fine). Device alarms ({@code AlarmEvent}), device status ({@code DeviceStatus}: sensor off,
 * link lost...) and numeric values of the parameters the care unit's {@link AlarmPolicy} limits are used; the engine's
 * own {@link AlertReport}s, read back from the buffer, are ignored. What comes out: {@link AlertReport}s, each with a
 * stable alert id and an update count (see there), in a deterministic order.
 *
 * <p><b>Order.</b> Frames of one device must come in receive-time order (the device pipeline stamps them so, and the
 * buffer keeps them so); devices are independent. {@link #advanceTo advanceTo(t)} promises that no frame received
 * before {@code t} is still to come: a frame that breaks the promise is still processed, but is counted in {@link
 * #lateFrames()} because a replay could then differ. A runtime reading the buffer calls it with its receive clock
 * minus the longest a frame takes from being stamped to reaching the engine. Without calls to {@code advanceTo} the
 * results are the same, only later: a deadline acts when the device's next frame shows the clock has passed it.
 *
 * <p><b>Crash story.</b> Nothing the engine decides is lost or doubled by a crash. Notifications are appended to the
 * buffer before they are sent anywhere. After every append, the runtime may commit the engine's cursor up to {@link
 * RebuildPoint#earliestNeededPosition()} of {@link #rebuildPoint()} and store that point beside it. On restart, {@link
 * #resuming} rebuilds the state by replaying from the cursor, skipping what the point marks as accounted for; the
 * notifications it gives again have the ids and counts of those already in the buffer, which the runtime drops (by
 * {@link AlertReport#notificationId()}); the first it gives that is not in the buffer is the first that was lost.
 */
public final class AlarmEngine {
    private final Function<DeviceId, AlarmPolicy> policies;
    private final Map<DeviceId, DeviceAlarms> devices =
            new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
    private final Map<DeviceId, RebuildPoint.Mark> resume;
    private long skipped;

    /** One policy for every device. */
    public AlarmEngine(AlarmPolicy policy) {
        this(checked(policy), new HashMap<>());
    }

    /** A policy per device: that of the device's care unit. */
    public AlarmEngine(Function<DeviceId, AlarmPolicy> policyOfDevice) {
        this(policyOfDevice, new HashMap<>());
    }

    private AlarmEngine(Function<DeviceId, AlarmPolicy> policies, Map<DeviceId, RebuildPoint.Mark> resume) {
        this.policies = policies;
        this.resume = resume;
    }

    private static Function<DeviceId, AlarmPolicy> checked(AlarmPolicy policy) {
        check(policy);
        return d -> policy;
    }

    private static void check(AlarmPolicy policy) {
        List<String> problems = policy.problems("");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("alarm policy '" + policy.careUnit() + "': " + problems);
        }
    }

    /**
     * An engine that rebuilds its state from a replay of the buffer from the cursor the runtime kept with {@code
     * point}: frames the point marks as accounted for are skipped (counted in {@link #skippedOnResume()}).
     */
    public static AlarmEngine resuming(Function<DeviceId, AlarmPolicy> policyOfDevice, RebuildPoint point) {
        return new AlarmEngine(policyOfDevice, new HashMap<>(point.devices()));
    }

    /** The readings of a record whose store position is not known. */
    public List<AlertReport> accept(List<? extends Reading> readings) {
        return accept(readings, -1);
    }

    public List<AlertReport> accept(Reading reading) {
        return accept(List.of(reading), -1);
    }

    /**
     * The readings of one record of the buffer, with its position there (so that {@link
     * RebuildPoint#earliestNeededPosition()} can say where a rebuild starts).
     *
     * @return the notifications, in order; empty most of the time
     */
    public List<AlertReport> accept(List<? extends Reading> readings, long position) {
        List<AlertReport> out = new ArrayList<>();
        int i = 0;
        while (i < readings.size()) {
            Reading first = readings.get(i);
            int j = i + 1;
            while (j < readings.size()
                    && readings.get(j).device().equals(first.device())
                    && readings.get(j).receivedAt().equals(first.receivedAt())) {
                j++;
            }
            List<Reading> frame = new ArrayList<>(j - i);
            for (Reading r : readings.subList(i, j)) {
                if (!(r instanceof AlertReport)) {
                    frame.add(r);
                }
            }
            if (!frame.isEmpty()) {
                out.addAll(frame(first.device(), first.receivedAt(), frame, position));
            }
            i = j;
        }
        return out;
    }

    private List<AlertReport> frame(DeviceId device, Instant at, List<Reading> frame, long position) {
        RebuildPoint.Mark mark = resume.get(device);
        if (mark != null) {
            if (mark.skips(at)) {
                skipped++;
                return List.of();
            }
            resume.remove(device); // from here on, the device is processed as it was before the crash
        }
        return devices.computeIfAbsent(device, this::newDevice).accept(frame, at, position);
    }

    private DeviceAlarms newDevice(DeviceId device) {
        AlarmPolicy policy = Objects.requireNonNull(policies.apply(device), "no alarm policy for " + device);
        check(policy);
        return new DeviceAlarms(device, policy);
    }

    /**
     * The receive clock has reached {@code t}: acts on every deadline before it (an alert's end after its hold, a
     * technical alarm's delay, an escalation) for every device. See the class comment for what {@code t} promises.
     */
    public List<AlertReport> advanceTo(Instant t) {
        List<AlertReport> out = new ArrayList<>();
        for (DeviceAlarms d : devices.values()) {
            out.addAll(d.advance(t));
        }
        return out;
    }

    /** The latest notification of every open alert (pending conditions are not alerts yet), by device and condition. */
    public List<AlertReport> openAlerts() {
        List<AlertReport> open = new ArrayList<>();
        for (DeviceAlarms d : devices.values()) {
            open.addAll(d.openAlerts());
        }
        return open;
    }

    /** Where a rebuild after a crash would start, as of now. */
    public RebuildPoint rebuildPoint() {
        Map<DeviceId, RebuildPoint.Mark> marks = new HashMap<>(resume);
        for (DeviceAlarms d : devices.values()) {
            Instant last = d.lastFrame();
            if (last != null) {
                marks.put(d.device, new RebuildPoint.Mark(d.busySince(), d.busySincePosition(), last));
            }
        }
        return new RebuildPoint(marks);
    }

    /** Frames that came after {@link #advanceTo} had passed their receive time. */
    public long lateFrames() {
        long n = 0;
        for (DeviceAlarms d : devices.values()) {
            n += d.lateFrames();
        }
        return n;
    }

    /** Frames skipped by a {@linkplain #resuming resuming} engine as already accounted for. */
    public long skippedOnResume() {
        return skipped;
    }
}
