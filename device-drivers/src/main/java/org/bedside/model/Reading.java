package org.bedside.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One thing a device said at one moment. Every reading carries the device's own clock ({@link #deviceTime()}, null when
 * the protocol has none) and the gateway's ({@link #receivedAt()}): device clocks drift and boxes boot without a
 * real-time clock, so both are kept and the charting rule chooses (see docs/architecture.md, "Time").
 *
 * <p>{@link #key()} is the reading's stable identity, {@code <device>/<what>/<receivedAt in µs>}, for example
 * {@code bed12-spo2/150456/1763788800123456}. The device pipeline stamps each frame with a receive time that strictly
 * increases per device, so no two readings of a device share a key, and a reading read back from the buffer has the same
 * key it had when it was written: replaying it after a crash writes nothing new on the FHIR server.
 */
public sealed interface Reading
        permits NumericReading,
                CompoundReading,
                WaveformSegment,
                AlarmEvent,
                DeviceStatus,
                AlertReport,
                InfusionStatus,
                DeviceIdentity,
                InfusionEvent,
                PatientDemographics {

    DeviceId device();

    @Nullable
    Instant deviceTime();

    Instant receivedAt();

    /**
     * The same reading with another receive time: for records stamped while the gateway's wall clock was not yet
     * trustworthy, whose receive times are corrected once it is (the device's own time is never changed).
     */
    Reading withReceivedAt(Instant receivedAt);

    /**
     * What this reading is about within its device: a metric code, {@code alarm:<code>}, {@code status:<code>},
     * {@code infusion:<channel>}, {@code identity}, {@code infusion-event:<code>}, {@code demographics} or, for
     * the alarm engine's notifications, {@code alert:<condition>:<onset µs>:<update count>}.
     */
    String subjectPart();

    default String key() {
        return device().value() + '/' + subjectPart() + '/' + epochMicros(receivedAt());
    }

    static long epochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
