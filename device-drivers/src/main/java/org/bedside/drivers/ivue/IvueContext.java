package org.bedside.drivers.ivue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a conversation learns about the monitor and keeps between messages: its clock baseline (from the MDS create
 * event) and, per object handle, the static attributes later poll results leave out (label, unit, wave scaling,
 * §1.7). A session owns one; the stateless {@link IvueMessageDecoder} makes an empty one per frame. Not thread-safe.
 *
 * <p>Bounded: at most {@link #MAX_OBJECTS} handles are remembered (a monitor has a few hundred objects); past that the
 * cache starts afresh rather than grow with a misbehaving peer.
 */
final class IvueContext {
    static final int MAX_OBJECTS = 2048;

    /** What is known about one object. */
    static final class ObjectInfo {
        /** Physio id from ID_LABEL (partition 2), or 0. */
        int label;

        @Nullable
        String labelString;
        /** Unit code from UNIT_CODE, or 0. */
        int unit;
        /** SA_SPECN: bits per sample (8 or 16) and significant bits; 0 when unknown. */
        int sampleBits;

        int significantBits;
        /** SCALE_SPECN_I16: absolute values at two scaled values; null when unknown. */
        @Nullable
        BigDecimal lowerAbsolute;

        @Nullable
        BigDecimal upperAbsolute;

        int lowerScaled;
        int upperScaled;
        /** TIME_PD_SAMP in ticks, or 0 when unknown. */
        long samplePeriodTicks;
        /** The last episodic measurement reported (its time stamp and value bytes), to report each one once. */
        byte @Nullable [] lastEpisode;
    }

    private final ZoneId zone;
    private final boolean oncePerMeasurement;
    private final Map<Integer, ObjectInfo> objects = new HashMap<>();
    /** The baseline's absolute time, converted through the zone once. */
    private @Nullable Instant baselineAbsolute;

    private long baselineRelative = -1;

    /**
     * @param zone the zone of the monitor's clock (its absolute times carry none)
     * @param oncePerMeasurement report an episodic measurement (NIBP: one the monitor time-stamps) once, not in every
     *     poll result that repeats it
     */
    IvueContext(ZoneId zone, boolean oncePerMeasurement) {
        this.zone = zone;
        this.oncePerMeasurement = oncePerMeasurement;
    }

    boolean oncePerMeasurement() {
        return oncePerMeasurement;
    }

    /** Takes the clock baseline of an MDS create event, when it has one. */
    void baseline(IvueMdsCreate mds) {
        LocalDateTime abs = mds.absoluteTime();
        if (abs != null && mds.relativeTime() >= 0) {
            baselineAbsolute = abs.atZone(zone).toInstant();
            baselineRelative = mds.relativeTime();
        }
    }

    boolean hasBaseline() {
        return baselineAbsolute != null;
    }

    /** A RelativeTime as wall-clock time: baseline + (rel − baseline rel) × 125 µs; null without a baseline. */
    @Nullable
    Instant fromRelative(long relativeTime) {
        Instant base = baselineAbsolute;
        if (base == null) {
            return null;
        }
        long ticks = IvueTime.ticksBetween(baselineRelative, relativeTime);
        return base.plusNanos(ticks * IvueWire.RELATIVE_TIME_TICK_NANOS);
    }

    @Nullable
    Instant fromAbsolute(@Nullable LocalDateTime local) {
        return local == null ? null : local.atZone(zone).toInstant();
    }

    ObjectInfo object(int context, int handle) {
        int key = (context << 16) | handle;
        ObjectInfo info = objects.get(key);
        if (info == null) {
            if (objects.size() >= MAX_OBJECTS) {
                objects.clear();
            }
            info = new ObjectInfo();
            objects.put(key, info);
        }
        return info;
    }

    int objectCount() {
        return objects.size();
    }
}
