package org.bedside.model;

/**
 * One fact about a measurement's quality, as the device reported it. The first eleven mirror the IEEE 11073-20601
 * {@code MeasurementStatus} bits (and the HL7 PoCD mapping to FHIR); the rest name conditions that devices report
 * outside that bit field. {@link #bit()} is the flag's fixed position in the buffer's record format: never renumber.
 */
public enum QualityFlag {
    /** The device says the value is not valid. */
    INVALID(0),
    /** The device doubts the value (low perfusion, interference, weak signal...). */
    QUESTIONABLE(1),
    /** No value: the device had nothing to report ("---"). */
    NOT_AVAILABLE(2),
    /** The measurement is being calibrated; the value is not valid. */
    CALIBRATING(3),
    TEST_DATA(4),
    DEMO_DATA(5),
    VALIDATED(6),
    EARLY_INDICATION(7),
    MEASUREMENT_ONGOING(8),
    /** The value is outside its alarm limits on the device. */
    IN_ALARM(9),
    ALARMS_INHIBITED(10),
    /** Below the device's measurement range. */
    UNDER_RANGE(11),
    /** Above the device's measurement range. */
    OVER_RANGE(12);

    private final int bit;

    QualityFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    /** True when the flag means there is no usable value at all. */
    public boolean invalidates() {
        return this == INVALID
                || this == NOT_AVAILABLE
                || this == CALIBRATING
                || this == UNDER_RANGE
                || this == OVER_RANGE;
    }
}
