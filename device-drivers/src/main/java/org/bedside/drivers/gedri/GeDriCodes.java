package org.bedside.drivers.gedri;

import java.util.List;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.QualityFlag;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Datex-Ohmeda Record Interface tables: record layout constants, the special values, and which field of the
 * physiological record is which metric, at which scale.
 *
 * <p>Sources: ../shared/design/protocols.md section 2 (record header, request, basic-class offsets and scale factors,
 * special values), itself from the S/5 Computer Interface Specification (GE doc 8005313) as read in PyCollect
 * ({@code pycollect/headers.py}, BSD-2) and VSCaptureWave ({@code Class2.cs}, LGPL-3.0, read for the layout only).
 * Everything here was checked against the two real captures in ../shared/testdata/ge-datex: {@code db00.raw} (DRI
 * level 10, 2009) and {@code S5Rawoutput-no-patient.raw} (level 11, 2015).
 *
 * <p>Group status bits: only bit 0 ("exists": a module for the measurement is present) and bit 1 ("active") are
 * interpreted. In both captures every group holding a valid value has both set, groups without a module have
 * neither, and invasive pressure channels without a transducer have only bit 0. The other bits are group-specific and
 * not used.
 */
final class GeDriCodes {

    // ---- framing and header (protocols.md 2.1, 2.2) ----

    static final byte FLAG = 0x7E;
    static final byte ESCAPE = 0x7D;
    static final int ESCAPE_XOR = 0x20;

    static final int HEADER_LENGTH = 40;
    static final int OFFSET_R_LEN = 0;
    static final int OFFSET_R_NBR = 2;
    static final int OFFSET_DRI_LEVEL = 3;
    static final int OFFSET_R_TIME = 6;
    static final int OFFSET_MAINTYPE = 14;
    static final int OFFSET_SR_DESC = 16;
    static final int SR_DESC_SIZE = 3;
    static final int MAX_SUBRECORDS = 8;
    static final int SR_END_OF_LIST = 0xFF;

    /** The largest record a monitor sends: {@code datex_record_type}, a 40-byte header and 1,450 bytes of data. */
    static final int MAX_RECORD_LENGTH = 1490;

    static final int MAINTYPE_PHDB = 0;
    static final int MAINTYPE_WAVE = 1;
    static final int MAINTYPE_ALARM = 4;

    /** Physiological sub-record types (and request record types). */
    static final int PH_XMIT_REQUEST = 0;

    static final int PH_DISPLAYED = 1;
    static final int PH_TREND_10S = 2;
    static final int PH_TREND_60S = 3;

    /** The DRI levels this driver decodes: 2009 and later. */
    static final int LEVEL_2009 = 0x0A;

    static final int LEVEL_2015 = 0x0B;

    static String levelName(int level) {
        return switch (level) {
            case 0x02 -> "'95";
            case 0x03 -> "'97";
            case 0x04 -> "'98";
            case 0x05 -> "'99";
            case 0x06 -> "2000";
            case 0x07 -> "2001";
            case 0x08 -> "2003";
            case 0x09 -> "2005";
            case 0x0A -> "2009";
            case 0x0B -> "2015";
            default -> "unknown";
        };
    }

    // ---- physiological record (protocols.md 2.4) ----

    /** A displayed-values sub-record: time (4), class block (270), marker, reserved, class/level/subtype word. */
    static final int SUBRECORD_LENGTH = 278;

    static final int OFFSET_SUBRECORD_TIME = 0;
    static final int OFFSET_CLASS_LEVEL_SUBTYPE = 276;

    static final int CLASS_BASIC = 0;
    static final int CLASS_EXT1 = 1;
    static final int CLASS_EXT2 = 2;
    static final int CLASS_EXT3 = 3;

    /** Request bits for {@code phdb_class_bf}: basic is always sent unless denied; the extensions on request. */
    static final int REQUEST_EXT1 = 0x2;

    static final int REQUEST_EXT2 = 0x4;
    static final int REQUEST_EXT3 = 0x8;

    static final int GROUP_EXISTS = 0x1;
    static final int GROUP_ACTIVE = 0x2;

    /** Values at or below this are special codes, never measurements. */
    static final int INVALID_LIMIT = -32001;

    /** The special values and what they mean for a reading. */
    enum Special {
        INVALID(-32767, QualityFlag.INVALID, "no valid data"),
        NOT_UPDATED(-32766, QualityFlag.NOT_AVAILABLE, "not updated"),
        DISCONTINUITY(-32765, QualityFlag.CALIBRATING, "data discontinuity (calibration)"),
        UNDER_RANGE(-32764, QualityFlag.UNDER_RANGE, "below the measurement range"),
        OVER_RANGE(-32763, QualityFlag.OVER_RANGE, "above the measurement range"),
        NOT_CALIBRATED(-32762, QualityFlag.INVALID, "not calibrated");

        final int code;
        final QualityFlag flag;
        final String text;

        Special(int code, QualityFlag flag, String text) {
            this.code = code;
            this.flag = flag;
            this.text = text;
        }

        static @Nullable Special of(int raw) {
            for (Special s : values()) {
                if (s.code == raw) {
                    return s;
                }
            }
            return null;
        }
    }

    // ---- units ----

    static final UcumUnit MILLIMETRE = new UcumUnit("mm", "mm");
    static final UcumUnit CM_H2O = new UcumUnit("cm[H2O]", "cmH2O");
    static final UcumUnit MILLILITRE = new UcumUnit("mL", "mL");
    static final UcumUnit LITRES_PER_MINUTE = new UcumUnit("L/min", "L/min");

    // ---- metrics without a standard term here ----

    static MetricCode vendor(String name, String label) {
        return MetricCode.vendor("X_GE_" + name, label);
    }

    /** NIBP pulse rate: MDC_PULS_RATE_NON_INV (2::18474), protocols.md 1.10. */
    static final MetricCode NIBP_PULSE_RATE = MetricCode.mdc(149546, "MDC_PULS_RATE_NON_INV", null, "NIBP pulse rate");

    static final MetricCode AMBIENT_PRESSURE = vendor("AMBIENT_PRESSURE", "Ambient pressure");

    /** One value of the record: where it is, what it is, and its scale (value = raw × 10^-scale). */
    record Field(int offset, int groupOffset, String group, MetricCode metric, UcumUnit unit, int scale) {}

    private static Field f(int offset, int groupOffset, String group, MetricCode metric, UcumUnit unit, int scale) {
        return new Field(offset, groupOffset, group, metric, unit, scale);
    }

    /** The numerics of an invasive pressure group (sys, dia, mean at 0.01 mmHg, pulse rate at 1/min). */
    private static List<Field> pressure(int group, String name) {
        return List.of(
                f(group + 6, group, name, vendor(name + "_SYS", name + " systolic"), UcumUnit.MM_HG, 2),
                f(group + 8, group, name, vendor(name + "_DIA", name + " diastolic"), UcumUnit.MM_HG, 2),
                f(group + 10, group, name, vendor(name + "_MEAN", name + " mean"), UcumUnit.MM_HG, 2),
                f(group + 12, group, name, vendor(name + "_PR", name + " pulse rate"), UcumUnit.PER_MINUTE, 0));
    }

    private static Field temperature(int group, String name, MetricCode metric) {
        return f(group + 6, group, name, metric, UcumUnit.CELSIUS, 2);
    }

    // Basic class, offsets within the sub-record (the class block starts at 4, after the time).
    static final int ECG_GROUP = 4;
    static final int NIBP_GROUP = 76;
    static final int NIBP_SYS = 82;
    static final int NIBP_DIA = 84;
    static final int NIBP_MEAN = 86;
    static final int CO2_GROUP = 136;
    static final int CO2_ET = 142;
    static final int CO2_FI = 144;
    static final int CO2_AMBIENT_PRESSURE = 148;

    /**
     * Basic-class numerics in the order they are emitted. NIBP's systolic, diastolic and mean are not here: they make
     * one compound reading ({@link #NIBP_SYS}...). EtCO2 is not here either: it is converted to a partial pressure
     * with the ambient pressure of the same group ({@link #CO2_ET}).
     *
     * <p>Not decoded (scale factors not in the sources, or duplicates): the SpO2 group's IR amplitude and SvO2, the
     * flow-volume compliance, the cardiac output / wedge group, the NMT group, the header-less "ECG extra" group
     * (duplicate heart rates) and the SvO2 group.
     */
    static final List<Field> BASIC;

    static {
        List<Field> b = new java.util.ArrayList<>();
        b.add(f(10, ECG_GROUP, "ECG", Metrics.HEART_RATE_ECG, UcumUnit.PER_MINUTE, 0));
        b.add(f(12, ECG_GROUP, "ECG", vendor("ST1", "ST1"), MILLIMETRE, 2));
        b.add(f(14, ECG_GROUP, "ECG", vendor("ST2", "ST2"), MILLIMETRE, 2));
        b.add(f(16, ECG_GROUP, "ECG", vendor("ST3", "ST3"), MILLIMETRE, 2));
        // Respiration rate from the ECG leads' impedance: MDC_RESP_RATE (protocols.md 1.10 "Resp rate (impedance)").
        b.add(f(18, ECG_GROUP, "ECG", Metrics.RESPIRATION_RATE, UcumUnit.PER_MINUTE, 0));
        b.addAll(pressure(20, "P1"));
        b.addAll(pressure(34, "P2"));
        b.addAll(pressure(48, "P3"));
        b.addAll(pressure(62, "P4"));
        b.add(f(88, NIBP_GROUP, "NIBP", NIBP_PULSE_RATE, UcumUnit.PER_MINUTE, 0));
        // T1 is charted as body temperature; the record does not say where a probe is (docs/drivers/ge-dri.md).
        b.add(temperature(90, "T1", Metrics.TEMPERATURE));
        b.add(temperature(98, "T2", vendor("T2", "T2")));
        b.add(temperature(106, "T3", vendor("T3", "T3")));
        b.add(temperature(114, "T4", vendor("T4", "T4")));
        b.add(f(128, 122, "SpO2", Metrics.SPO2, UcumUnit.PERCENT, 2));
        b.add(f(130, 122, "SpO2", Metrics.PULSE_RATE_OXIMETRY, UcumUnit.PER_MINUTE, 0));
        b.add(f(CO2_FI, CO2_GROUP, "CO2", vendor("FICO2", "FiCO2"), UcumUnit.PERCENT, 2));
        b.add(f(146, CO2_GROUP, "CO2", Metrics.AIRWAY_RESPIRATION_RATE, UcumUnit.PER_MINUTE, 0));
        b.add(f(CO2_AMBIENT_PRESSURE, CO2_GROUP, "CO2", AMBIENT_PRESSURE, UcumUnit.MM_HG, 1));
        b.add(f(156, 150, "O2", vendor("ETO2", "EtO2"), UcumUnit.PERCENT, 2));
        b.add(f(158, 150, "O2", vendor("FIO2", "FiO2"), UcumUnit.PERCENT, 2));
        b.add(f(166, 160, "N2O", vendor("ETN2O", "EtN2O"), UcumUnit.PERCENT, 2));
        b.add(f(168, 160, "N2O", vendor("FIN2O", "FiN2O"), UcumUnit.PERCENT, 2));
        b.add(f(176, 170, "AA", vendor("ETAA", "Et anaesthetic agent"), UcumUnit.PERCENT, 2));
        b.add(f(178, 170, "AA", vendor("FIAA", "Fi anaesthetic agent"), UcumUnit.PERCENT, 2));
        b.add(f(180, 170, "AA", vendor("MAC_SUM", "MAC sum"), UcumUnit.DIMENSIONLESS, 2));
        b.add(f(188, 182, "flow-volume", vendor("VENT_RR", "Ventilation rate"), UcumUnit.PER_MINUTE, 0));
        b.add(f(190, 182, "flow-volume", vendor("PPEAK", "Peak airway pressure"), CM_H2O, 2));
        b.add(f(192, 182, "flow-volume", vendor("PEEP", "PEEP"), CM_H2O, 2));
        b.add(f(194, 182, "flow-volume", vendor("PPLAT", "Plateau pressure"), CM_H2O, 2));
        b.add(f(196, 182, "flow-volume", vendor("TV_INSP", "Inspired tidal volume"), MILLILITRE, 1));
        b.add(f(198, 182, "flow-volume", vendor("TV_EXP", "Expired tidal volume"), MILLILITRE, 1));
        b.add(f(202, 182, "flow-volume", vendor("MV_EXP", "Expired minute volume"), LITRES_PER_MINUTE, 2));
        b.addAll(pressure(244, "P5"));
        b.addAll(pressure(258, "P6"));
        BASIC = List.copyOf(b);
    }

    /**
     * Ext1 class: the groups whose types are those of the basic class, so their scale factors are known (invasive
     * pressures P7 and P8, the second SpO2 channel, temperatures T5 and T6). The arrhythmia and 12-lead ST groups are
     * not decoded.
     */
    static final List<Field> EXT1;

    static {
        List<Field> e = new java.util.ArrayList<>();
        e.addAll(pressure(82, "P7"));
        e.addAll(pressure(96, "P8"));
        e.add(f(116, 110, "SpO2 channel 2", vendor("SPO2_2", "SpO2 channel 2"), UcumUnit.PERCENT, 2));
        e.add(f(118, 110, "SpO2 channel 2", vendor("PR_2", "Pulse rate channel 2"), UcumUnit.PER_MINUTE, 0));
        e.add(temperature(124, "T5", vendor("T5", "T5")));
        e.add(temperature(132, "T6", vendor("T6", "T6")));
        EXT1 = List.copyOf(e);
    }

    /**
     * Ext2 class: spectral entropy (state and response entropy, burst suppression ratio), whole numbers as shown on
     * the monitor (the 2009 capture reads SE 87, RE 94). NMT, EEG and BIS groups are not decoded.
     */
    static final List<Field> EXT2 = List.of(
            f(122, 116, "Entropy", vendor("STATE_ENTROPY", "State entropy"), UcumUnit.DIMENSIONLESS, 0),
            f(124, 116, "Entropy", vendor("RESPONSE_ENTROPY", "Response entropy"), UcumUnit.DIMENSIONLESS, 0),
            f(126, 116, "Entropy", vendor("BURST_SUPPRESSION", "Burst suppression ratio"), UcumUnit.PERCENT, 0));

    // ---- waveform records (protocols.md 2.5) ----

    static final int WAVE_HEADER_LENGTH = 6;

    /** A waveform the driver decodes: only those whose sample rate was measured on the real capture. */
    enum Wave {
        PLETH(8, "pleth", vendor("WAVE_PLETH", "Pleth"), 100),
        ENTROPY_EEG(32, "ent-100", vendor("WAVE_ENT_100", "Entropy EEG"), 100);

        final int id;
        final String option;
        final MetricCode metric;
        final int samplesPerSecond;

        Wave(int id, String option, MetricCode metric, int samplesPerSecond) {
            this.id = id;
            this.option = option;
            this.metric = metric;
            this.samplesPerSecond = samplesPerSecond;
        }

        static @Nullable Wave of(int id) {
            for (Wave w : values()) {
                if (w.id == id) {
                    return w;
                }
            }
            return null;
        }
    }

    /** Samples are sent as the monitor's raw 16-bit values; no scale is claimed for them. */
    static final UcumUnit RAW = new UcumUnit("1", "raw");

    private GeDriCodes() {}
}
