package org.bedside.drivers.nonin;

import org.bedside.model.MetricCode;

/**
 * The Nonin tables: status bits, the meaning of each frame's data byte, the "missing" values.
 *
 * <p>Sources: protocols.md 4.2 (Pufferfish's OEM III driver and tests, Apache-2.0, for Data Format 2; OpenICE's {@code
 * Packet.java} and {@code Status.java}, BSD-2, for Data Format 13), cross-checked with the Oxford IBME Nonin reader
 * (heart rate as nine bits: the MSB's two low bits and the LSB's seven, 511 and 127 for missing values; read for the
 * format only). OpenICE shifts the heart-rate MSB by 8 instead of 7, which breaks rates from 128; the nine-bit rule is
 * the one Nonin's missing value 511 implies.
 */
final class NoninCodes {
    static final int STATUS_ALWAYS_SET = 0x80;
    /** Set in the first frame of a packet. */
    static final int STATUS_SYNC = 0x01;
    /** GPRF: a good pulse signal (with RPRF: marginal, "yellow"). */
    static final int STATUS_GREEN_PERFUSION = 0x02;
    /** RPRF: a low or no pulse signal (with GPRF: marginal). */
    static final int STATUS_RED_PERFUSION = 0x04;
    /** SNSA: the sensor gives unusable data (a finger removed). */
    static final int STATUS_SENSOR_ALARM = 0x08;
    /** OOT: no consecutive good pulses (sustained artifact). */
    static final int STATUS_OUT_OF_TRACK = 0x10;
    /** ARTF: artifact in a pulse. */
    static final int STATUS_ARTIFACT = 0x20;
    /** SNSD (Data Format 2): no sensor, or a sensor that cannot work. */
    static final int STATUS_SENSOR_DISCONNECT = 0x40;

    /** Frame numbers (from 0) of the data bytes, the same in both formats. */
    static final int FRAME_HR_MSB = 0;

    static final int FRAME_HR_LSB = 1;
    static final int FRAME_SPO2 = 2;
    static final int FRAME_FIRMWARE = 3;
    /** Data Format 13 only (reserved in Data Format 2): bit 0 low battery, bit 5 SmartPoint. */
    static final int FRAME_STATUS2 = 7;

    static final int STATUS2_LOW_BATTERY = 0x01;

    static final int MISSING_HEART_RATE = 511;
    static final int MISSING_SPO2 = 127;

    /** The 75 frames a second of both formats: one pleth sample each. */
    static final int FRAMES_PER_SECOND = 75;

    static final MetricCode PLETH = MetricCode.vendor("X_NONIN_PLETH", "Pleth");

    private NoninCodes() {}
}
