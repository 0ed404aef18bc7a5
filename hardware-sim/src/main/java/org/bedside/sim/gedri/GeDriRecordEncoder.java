package org.bedside.sim.gedri;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.SensorCondition;
import org.jspecify.annotations.Nullable;

/**
 * Encodes what a monitor sends, as protocols.md section 2 describes it: a 40-byte little-endian header and 278-byte
 * displayed-values sub-records (basic, ext1, ext2, ext3), or a waveform record; {@link #frame} adds the checksum, the
 * byte stuffing and the flags.
 *
 * <p>What the simulated monitor has: ECG (heart rate, impedance respiration), NIBP, one temperature (T1), SpO2 and
 * pulse, CO2 (EtCO2 as a volume fraction with the ambient pressure, airway respiration rate). Every other group is
 * sent as a monitor without that module sends it: status 0 and the "invalid" value -32767, and the extension classes
 * with zeros where the real monitors have reserved bytes. A value the scenario does not have is sent as -32767; while
 * the oximeter calibrates, SpO2 and pulse are sent as -32765 (data discontinuity).
 */
public final class GeDriRecordEncoder {
    public static final int LEVEL_2009 = 0x0A;
    public static final int LEVEL_2015 = 0x0B;

    static final int HEADER = 40;
    static final int SUBRECORD = 278;
    static final int MAINTYPE_PHDB = 0;
    static final int MAINTYPE_WAVE = 1;
    static final int DISPLAYED_VALUES = 1;
    static final int END_OF_LIST = 0xFF;

    static final short INVALID = -32767;
    static final short DISCONTINUITY = -32765;

    static final int EXISTS_AND_ACTIVE = 0x3;

    /** Wave id of the plethysmogram (protocols.md 2.5). */
    public static final int WAVE_PLETH = 8;

    private final int level;

    public GeDriRecordEncoder(int level) {
        if (level < LEVEL_2009 || level > 0x0F) {
            throw new IllegalArgumentException("the simulator speaks DRI level 10 (2009) to 15, not " + level);
        }
        this.level = level;
    }

    public int level() {
        return level;
    }

    /**
     * A displayed-values record.
     *
     * @param classes the extension classes to include: bit 1 ext1, bit 2 ext2, bit 3 ext3 (the request's {@code
     *     phdb_class_bf}); the basic class is always included
     */
    public byte[] displayedValues(MonitorVitals v, LocalDateTime deviceTime, int sequence, int classes) {
        int count = 1 + Integer.bitCount(classes & 0xE);
        byte[] r = header(HEADER + count * SUBRECORD, MAINTYPE_PHDB, deviceTime, sequence);
        long time = deviceTime.toEpochSecond(ZoneOffset.UTC);
        int n = 0;
        for (int cls = 0; cls < 4; cls++) {
            if (cls > 0 && (classes & (1 << cls)) == 0) {
                continue;
            }
            int offset = n * SUBRECORD;
            put16(r, 16 + 3 * n, offset);
            r[16 + 3 * n + 2] = DISPLAYED_VALUES;
            int at = HEADER + offset;
            put32(r, at, time);
            switch (cls) {
                case 0 -> basic(r, at, v);
                case 1 -> ext1(r, at);
                case 2 -> ext2(r, at);
                default -> ext3(r, at);
            }
            put16(r, at + 276, cls << 8 | level << 4 | DISPLAYED_VALUES);
            n++;
        }
        r[16 + 3 * n + 2] = (byte) END_OF_LIST;
        return r;
    }

    private static void basic(byte[] r, int at, MonitorVitals v) {
        // ECG: hr, st1-3, impedance respiration rate.
        group(r, at + 4, EXISTS_AND_ACTIVE, v.heartRate(), null, null, null, v.respirationRate());
        for (int p : new int[] {20, 34, 48, 62}) {
            absentGroup(r, at + p, 4); // invasive pressures: no transducer
        }
        boolean calibrating = v.has(SensorCondition.SENSOR_CALIBRATING);
        group(
                r,
                at + 76,
                EXISTS_AND_ACTIVE,
                hundredths(v.nibpSystolic()),
                hundredths(v.nibpDiastolic()),
                hundredths(v.nibpMean()),
                null);
        group(r, at + 90, EXISTS_AND_ACTIVE, hundredths(v.temperature()));
        for (int t : new int[] {98, 106, 114}) {
            absentGroup(r, at + t, 1);
        }
        Integer spo2 = hundredths(v.spo2());
        Integer pulse = v.pulseRate();
        group(r, at + 122, EXISTS_AND_ACTIVE, spo2, pulse, null, null);
        if (calibrating) {
            put16(r, at + 128, DISCONTINUITY);
            put16(r, at + 130, DISCONTINUITY);
        }
        Integer ambient = v.ambientPressure() == null
                ? null
                : v.ambientPressure().movePointRight(1).intValueExact();
        group(r, at + 136, EXISTS_AND_ACTIVE, hundredths(v.etco2Percent()), 0, v.respirationRate(), ambient);
        absentGroup(r, at + 150, 2); // O2
        absentGroup(r, at + 160, 2); // N2O
        absentGroup(r, at + 170, 3); // anaesthetic agents
        absentGroup(r, at + 182, 8); // flow and volume
        absentGroup(r, at + 204, 4); // cardiac output, wedge
        absentGroup(r, at + 218, 3); // NMT
        fill(r, at + 230, 3); // ECG extra: no header
        absentGroup(r, at + 236, 1); // SvO2
        absentGroup(r, at + 244, 4); // P5
        absentGroup(r, at + 258, 4); // P6
    }

    /** Ext1 as a monitor without those modules sends it: headers and -32767 where groups are, zeros elsewhere. */
    private static void ext1(byte[] r, int at) {
        absentGroup(r, at + 4, 3); // arrhythmia: hr, rr time, pvc, then reserved zeros
        absentGroup(r, at + 52, 12); // 12-lead ST
        absentGroup(r, at + 82, 4); // P7
        absentGroup(r, at + 96, 4); // P8
        absentGroup(r, at + 110, 4); // second SpO2
        // T5 and T6 stay zero: the real 2009 and 2015 captures hold zeros there, with a group status of 0.
    }

    private static void ext2(byte[] r, int at) {
        absentGroup(r, at + 4, 5); // NMT2
        absentGroup(r, at + 28, 33); // EEG
        absentGroup(r, at + 100, 4); // BIS
        absentGroup(r, at + 116, 3); // entropy
    }

    private static void ext3(byte[] r, int at) {
        absentGroup(r, at + 4, 4); // gas exchange
    }

    /** A group header with the status, then the values (null is -32767). */
    private static void group(byte[] r, int at, int status, @Nullable Integer... values) {
        put32(r, at, status);
        for (int i = 0; i < values.length; i++) {
            Integer value = values[i];
            put16(r, at + 6 + 2 * i, value == null ? INVALID : value);
        }
    }

    private static void absentGroup(byte[] r, int at, int values) {
        put32(r, at, 0);
        fill(r, at + 6, values);
    }

    private static void fill(byte[] r, int at, int values) {
        for (int i = 0; i < values; i++) {
            put16(r, at + 2 * i, INVALID);
        }
    }

    private static @Nullable Integer hundredths(@Nullable Integer v) {
        return v == null ? null : v * 100;
    }

    private static @Nullable Integer hundredths(@Nullable BigDecimal v) {
        return v == null ? null : v.movePointRight(2).intValueExact();
    }

    /** A waveform record with one sub-record per wave: sample count, status, reserved, the samples. */
    public byte[] waveform(int waveId, short[] samples, LocalDateTime deviceTime, int sequence) {
        byte[] r = header(HEADER + 6 + 2 * samples.length, MAINTYPE_WAVE, deviceTime, sequence);
        put16(r, 16, 0);
        r[18] = (byte) waveId;
        r[16 + 3 + 2] = (byte) END_OF_LIST;
        put16(r, HEADER, samples.length);
        for (int i = 0; i < samples.length; i++) {
            put16(r, HEADER + 6 + 2 * i, samples[i]);
        }
        return r;
    }

    private byte[] header(int length, int mainType, LocalDateTime deviceTime, int sequence) {
        byte[] r = new byte[length];
        put16(r, 0, length);
        r[2] = (byte) sequence;
        r[3] = (byte) level;
        put32(r, 6, deviceTime.toEpochSecond(ZoneOffset.UTC));
        put16(r, 14, mainType);
        return r;
    }

    static void put16(byte[] r, int at, int value) {
        r[at] = (byte) value;
        r[at + 1] = (byte) (value >> 8);
    }

    static void put32(byte[] r, int at, long value) {
        put16(r, at, (int) value);
        put16(r, at + 2, (int) (value >> 16));
    }

    /** Flag, the record and its checksum (the sum of the record's bytes) with 7E and 7D escaped, flag. */
    public static byte[] frame(byte[] record) {
        byte[] out = new byte[2 * record.length + 4];
        int n = 0;
        out[n++] = 0x7E;
        int sum = 0;
        for (byte b : record) {
            sum += b & 0xFF;
            n = escape(out, n, b);
        }
        n = escape(out, n, (byte) sum);
        out[n++] = 0x7E;
        return Arrays.copyOf(out, n);
    }

    private static int escape(byte[] out, int n, byte b) {
        if (b == 0x7E || b == 0x7D) {
            out[n] = 0x7D;
            out[n + 1] = (byte) (b ^ 0x20);
            return n + 2;
        }
        out[n] = b;
        return n + 1;
    }
}
