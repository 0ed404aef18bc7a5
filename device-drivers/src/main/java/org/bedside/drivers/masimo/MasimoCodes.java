package org.bedside.drivers.masimo;

import java.util.List;
import org.bedside.model.AlarmEvent;
import org.bedside.model.DeviceStatus;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.bedside.model.UcumUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Masimo "ASCII 1" tables: which line key is which metric, and what the ALARM and EXC bits mean.
 *
 * <p>Sources: the MD PnP / OpenICE Radical-7 adapter (key names, example lines), MD PnP {@code poxrad_discrete.h}
 * (bit tables), and Rad-8 captures published with yahnatan/pulseox; summarised in ../shared/design/protocols.md §4.1.
 */
final class MasimoCodes {

    /** A metric the line carries: its key, code, unit and the range the device can report. */
    record Field(String key, MetricCode metric, UcumUnit unit, double min, double max) {}

    static final MetricCode SPCO = MetricCode.vendor("X_MASIMO_SPCO", "SpCO");
    static final MetricCode SPMET = MetricCode.vendor("X_MASIMO_SPMET", "SpMet");
    static final MetricCode DESAT = MetricCode.vendor("X_MASIMO_DESAT_INDEX", "Desat index");
    static final MetricCode PI_DELTA = MetricCode.vendor("X_MASIMO_PI_DELTA", "PI delta");
    static final MetricCode PVI = MetricCode.vendor("X_MASIMO_PVI", "PVI");

    static final Field SPO2_FIELD = new Field("SPO2", Metrics.SPO2, UcumUnit.PERCENT, 0, 100);
    static final Field BPM_FIELD = new Field("BPM", Metrics.PULSE_RATE_OXIMETRY, UcumUnit.PER_MINUTE, 0, 300);
    static final Field PI_FIELD = new Field("PI", Metrics.PERFUSION_INDEX, UcumUnit.PERCENT, 0, 20);
    static final Field SPCO_FIELD = new Field("SPCO", SPCO, UcumUnit.PERCENT, 0, 99);
    static final Field SPMET_FIELD = new Field("SPMET", SPMET, UcumUnit.PERCENT, 0, 99.9);
    static final Field DESAT_FIELD = new Field("DESAT", DESAT, UcumUnit.DIMENSIONLESS, 0, 99);
    static final Field PI_DELTA_FIELD = new Field("PIDELTA", PI_DELTA, UcumUnit.PERCENT, -99, 99);
    static final Field PVI_FIELD = new Field("PVI", PVI, UcumUnit.PERCENT, 0, 100);

    /** In the order readings are emitted, which is the order of the line. */
    static final List<Field> FIELDS =
            List.of(SPO2_FIELD, BPM_FIELD, PI_FIELD, SPCO_FIELD, SPMET_FIELD, DESAT_FIELD, PI_DELTA_FIELD, PVI_FIELD);

    static @Nullable Field field(String key) {
        for (Field f : FIELDS) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }

    /** ALARM bit 0x0010: the device is alarming. */
    static final int ALARM_ACTIVE = 0x0010;
    /** ALARM bit 0x0020: the audible alarm is silenced. */
    static final int ALARM_SILENCED = 0x0020;

    /** One alarm condition bit of the ALARM field. */
    enum AlarmBit {
        SPO2_HIGH(0x0001, "spo2-high", Metrics.SPO2, AlarmEvent.Kind.PHYSIOLOGICAL, "SpO2 high"),
        SPO2_LOW(0x0002, "spo2-low", Metrics.SPO2, AlarmEvent.Kind.PHYSIOLOGICAL, "SpO2 low"),
        PULSE_HIGH(0x0004, "pulse-rate-high", Metrics.PULSE_RATE_OXIMETRY, AlarmEvent.Kind.PHYSIOLOGICAL, "Pulse high"),
        PULSE_LOW(0x0008, "pulse-rate-low", Metrics.PULSE_RATE_OXIMETRY, AlarmEvent.Kind.PHYSIOLOGICAL, "Pulse low"),
        LOW_BATTERY(0x0040, "low-battery", null, AlarmEvent.Kind.TECHNICAL, "Low battery"),
        SPCO_HIGH(0x0100, "spco-high", SPCO, AlarmEvent.Kind.PHYSIOLOGICAL, "SpCO high"),
        SPCO_LOW(0x0200, "spco-low", SPCO, AlarmEvent.Kind.PHYSIOLOGICAL, "SpCO low"),
        SPMET_HIGH(0x0400, "spmet-high", SPMET, AlarmEvent.Kind.PHYSIOLOGICAL, "SpMet high"),
        SPMET_LOW(0x0800, "spmet-low", SPMET, AlarmEvent.Kind.PHYSIOLOGICAL, "SpMet low"),
        DESAT_INDEX(0x1000, "desat-index", DESAT, AlarmEvent.Kind.PHYSIOLOGICAL, "Desaturation index"),
        PI_CHANGE(
                0x2000,
                "pi-rate-of-change",
                Metrics.PERFUSION_INDEX,
                AlarmEvent.Kind.PHYSIOLOGICAL,
                "Perfusion index rate of change");

        final int mask;
        final String code;
        final @Nullable MetricCode source;
        final AlarmEvent.Kind kind;
        final String text;

        AlarmBit(int mask, String code, @Nullable MetricCode source, AlarmEvent.Kind kind, String text) {
            this.mask = mask;
            this.code = code;
            this.source = source;
            this.kind = kind;
            this.text = text;
        }
    }

    /** Bits of the ALARM field this table explains (conditions plus the two state bits). */
    static final int KNOWN_ALARM_BITS;

    static {
        int known = ALARM_ACTIVE | ALARM_SILENCED;
        for (AlarmBit b : AlarmBit.values()) {
            known |= b.mask;
        }
        KNOWN_ALARM_BITS = known;
    }

    /** What an EXC bit does to the numerics of the same line. */
    enum Effect {
        /** No valid value, even if digits are present (protocols.md §4.1 recommendation). */
        INVALIDATES,
        QUESTIONABLE,
        CALIBRATING,
        /** Only the named metric is questionable. */
        QUESTIONABLE_SPCO,
        QUESTIONABLE_SPMET,
        NONE
    }

    /** One bit of the EXC (exception) field. */
    enum ExceptionBit {
        NO_SENSOR(0x000001, "no sensor", DeviceStatus.Code.NO_SENSOR, Effect.INVALIDATES),
        DEFECTIVE_SENSOR(0x000002, "defective sensor", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        LOW_PERFUSION(0x000004, "low perfusion", DeviceStatus.Code.LOW_PERFUSION, Effect.QUESTIONABLE),
        PULSE_SEARCH(0x000008, "pulse search", DeviceStatus.Code.PULSE_SEARCH, Effect.QUESTIONABLE),
        INTERFERENCE(0x000010, "interference", DeviceStatus.Code.INTERFERENCE, Effect.QUESTIONABLE),
        SENSOR_OFF(0x000020, "sensor off", DeviceStatus.Code.SENSOR_OFF, Effect.INVALIDATES),
        AMBIENT_LIGHT(0x000040, "ambient light", DeviceStatus.Code.AMBIENT_LIGHT, Effect.QUESTIONABLE),
        UNRECOGNIZED_SENSOR(0x000080, "unrecognised sensor", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        INCOMPATIBLE_SENSOR(0x000100, "incompatible sensor", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        LOW_SIGNAL_IQ(0x000400, "low signal IQ", DeviceStatus.Code.LOW_SIGNAL_QUALITY, Effect.QUESTIONABLE),
        /** 0x000800 "Masimo SET" is set in normal operation: not an exception. */
        MASIMO_SET(0x000800, "Masimo SET", null, Effect.NONE),
        NO_CABLE(0x001000, "no cable", DeviceStatus.Code.CABLE_FAULT, Effect.INVALIDATES),
        CABLE_EXPIRED(0x002000, "cable expired", DeviceStatus.Code.CABLE_FAULT, Effect.INVALIDATES),
        INCOMPATIBLE_CABLE(0x004000, "incompatible cable", DeviceStatus.Code.CABLE_FAULT, Effect.INVALIDATES),
        UNRECOGNIZED_CABLE(0x008000, "unrecognised cable", DeviceStatus.Code.CABLE_FAULT, Effect.INVALIDATES),
        DEFECTIVE_CABLE(0x010000, "defective cable", DeviceStatus.Code.CABLE_FAULT, Effect.INVALIDATES),
        SENSOR_CALIBRATING(0x020000, "sensor calibrating", DeviceStatus.Code.CALIBRATING, Effect.CALIBRATING),
        SENSOR_EXPIRED(0x040000, "sensor expired", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        EMITTER_TEMPERATURE(
                0x080000, "emitter temperature out of range", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        SENSOR_CURRENT_LIMIT(0x100000, "sensor current limit", DeviceStatus.Code.SENSOR_FAULT, Effect.INVALIDATES),
        SPCO_LOW_CONFIDENCE(
                0x200000, "SpCO low confidence", DeviceStatus.Code.LOW_SIGNAL_QUALITY, Effect.QUESTIONABLE_SPCO),
        SPMET_LOW_CONFIDENCE(
                0x400000, "SpMet low confidence", DeviceStatus.Code.LOW_SIGNAL_QUALITY, Effect.QUESTIONABLE_SPMET);

        final int mask;
        final String text;
        final DeviceStatus.@Nullable Code status;
        final Effect effect;

        ExceptionBit(int mask, String text, DeviceStatus.@Nullable Code status, Effect effect) {
            this.mask = mask;
            this.text = text;
            this.status = status;
            this.effect = effect;
        }
    }

    static final int KNOWN_EXCEPTION_BITS;

    static {
        int known = 0;
        for (ExceptionBit b : ExceptionBit.values()) {
            known |= b.mask;
        }
        KNOWN_EXCEPTION_BITS = known;
    }

    private MasimoCodes() {}
}
