package org.bedside.drivers.ivue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.bedside.drivers.spi.DecodeException;
import org.bedside.model.AlarmEvent;
import org.bedside.model.CompoundReading;
import org.bedside.model.DeviceId;
import org.bedside.model.MetricCode;
import org.bedside.model.NumericReading;
import org.bedside.model.Quality;
import org.bedside.model.QualityFlag;
import org.bedside.model.Reading;
import org.bedside.model.UcumUnit;
import org.bedside.model.WaveformSegment;
import org.jspecify.annotations.Nullable;

/**
 * Turns the objects of a poll result into readings (§1.7–§1.11): numeric observed values (NU_VAL_OBS) into numeric
 * readings, compound ones (NU_CMPD_VAL_OBS, such as NIBP systolic/diastolic/mean) into one compound reading, alert
 * lists into alarm events, and sample arrays into waveform segments once their scaling and sample period are known.
 *
 * <p>Static attributes (label, unit, wave scaling) update the {@link IvueContext} first, so that an object whose later
 * reports carry only its value still decodes. Nothing is invented: a FLOAT that is not a number, an unknown unit or a
 * state bit that invalidates makes the reading invalid, with the reason.
 */
final class IvueObservationDecoder {
    private IvueObservationDecoder() {}

    private record Nu(int physio, int state, int unit, int raw) {}

    static List<Reading> decode(DeviceId device, IvuePollResult poll, IvueContext ctx, Instant receivedAt)
            throws DecodeException {
        List<Reading> out = new ArrayList<>();
        LocalTimes times = new LocalTimes(poll, ctx);
        for (IvuePollResult.Observation o : poll.observations()) {
            IvueContext.ObjectInfo info = ctx.object(o.context(), o.handle());
            learn(o, info);
            Instant deviceTime = times.of(o);
            boolean repeat = ctx.oncePerMeasurement() && isRepeatedEpisode(o, info);
            for (IvueAttribute a : o.attributes()) {
                switch (a.id()) {
                    case IvueWire.NOM_ATTR_NU_VAL_OBS -> {
                        IvueReader.expect(a.length() == 10, "NU_VAL_OBS of " + a.length() + " bytes, not 10");
                        if (!repeat) {
                            out.add(numeric(device, nu(a.reader()), info, deviceTime, receivedAt));
                        }
                    }
                    case IvueWire.NOM_ATTR_NU_CMPD_VAL_OBS -> {
                        if (!repeat) {
                            out.add(compound(device, a.reader(), info, deviceTime, receivedAt));
                        }
                    }
                    case IvueWire.NOM_ATTR_AL_MON_P_AL_LIST, IvueWire.NOM_ATTR_AL_MON_T_AL_LIST ->
                        alarms(device, a.reader(), deviceTime, receivedAt, out);
                    case IvueWire.NOM_ATTR_SA_VAL_OBS -> {
                        WaveformSegment w = wave(device, a.reader(), info, deviceTime, receivedAt);
                        if (w != null) {
                            out.add(w);
                        }
                    }
                    case IvueWire.NOM_ATTR_SA_CMPD_VAL_OBS -> {
                        IvueReader r = a.reader();
                        int count = r.u16("compound sample array count");
                        IvueReader list = r.sub(r.u16("compound sample array length"), "sample arrays");
                        for (int i = 0; i < count; i++) {
                            WaveformSegment w = wave(device, list, info, deviceTime, receivedAt);
                            if (w != null) {
                                out.add(w);
                            }
                        }
                    }
                    default -> {
                        // other attributes carry nothing charted (display colours, enumerations, demographics...)
                    }
                }
            }
        }
        return out;
    }

    /** Takes the static attributes of an object into the cache. */
    private static void learn(IvuePollResult.Observation o, IvueContext.ObjectInfo info) throws DecodeException {
        for (IvueAttribute a : o.attributes()) {
            switch (a.id()) {
                case IvueWire.NOM_ATTR_ID_LABEL -> {
                    long textId = a.reader().u32("ID_LABEL");
                    // A TextId is partition × 65536 + code; physio ids are partition 2 (SCADA).
                    info.label = (textId >>> 16) == 2 ? (int) (textId & 0xFFFF) : 0;
                }
                case IvueWire.NOM_ATTR_ID_LABEL_STRING -> info.labelString = string(a.reader());
                case IvueWire.NOM_ATTR_UNIT_CODE -> info.unit = a.reader().u16("UNIT_CODE");
                case IvueWire.NOM_ATTR_SA_SPECN -> {
                    IvueReader r = a.reader();
                    r.u16("array size");
                    int bits = r.u8("sample size");
                    int significant = r.u8("significant bits");
                    IvueReader.expect(
                            (bits == 8 || bits == 16) && significant >= 1 && significant <= bits,
                            "sample array of " + bits + "-bit samples with " + significant + " significant bits");
                    info.sampleBits = bits;
                    info.significantBits = significant;
                }
                case IvueWire.NOM_ATTR_SCALE_SPECN_I16 -> {
                    IvueReader r = a.reader();
                    BigDecimal lower = IvueFloat.value(r.i32("lower absolute value"));
                    BigDecimal upper = IvueFloat.value(r.i32("upper absolute value"));
                    int lowerScaled = r.u16("lower scaled value");
                    int upperScaled = r.u16("upper scaled value");
                    if (lower != null && upper != null && upperScaled != lowerScaled) {
                        info.lowerAbsolute = lower;
                        info.upperAbsolute = upper;
                        info.lowerScaled = lowerScaled;
                        info.upperScaled = upperScaled;
                    }
                }
                case IvueWire.NOM_ATTR_TIME_PD_SAMP ->
                    info.samplePeriodTicks = a.reader().u32("TIME_PD_SAMP");
                default -> {
                    // not static, or not needed
                }
            }
        }
    }

    /**
     * True when the object is an episodic measurement (one the monitor time-stamps, as NIBP) that was already
     * reported: the monitor repeats the last NIBP in every poll result until the next cuff inflation.
     */
    private static boolean isRepeatedEpisode(IvuePollResult.Observation o, IvueContext.ObjectInfo info) {
        IvueAttribute stamp = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_TIME_STAMP_ABS);
        if (stamp == null) {
            stamp = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_TIME_STAMP_REL);
        }
        if (stamp == null) {
            return false;
        }
        IvueAttribute value = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_NU_CMPD_VAL_OBS);
        if (value == null) {
            value = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_NU_VAL_OBS);
        }
        if (value == null) {
            return false;
        }
        byte[] signature = new byte[stamp.length() + value.length()];
        System.arraycopy(stamp.data(), stamp.offset(), signature, 0, stamp.length());
        System.arraycopy(value.data(), value.offset(), signature, stamp.length(), value.length());
        if (Arrays.equals(signature, info.lastEpisode)) {
            return true;
        }
        info.lastEpisode = signature;
        return false;
    }

    private static Nu nu(IvueReader r) throws DecodeException {
        return new Nu(r.u16("physio id"), r.u16("measurement state"), r.u16("unit code"), r.i32("value"));
    }

    private static NumericReading numeric(
            DeviceId device, Nu nu, IvueContext.ObjectInfo info, @Nullable Instant deviceTime, Instant receivedAt) {
        int physio = nu.physio != IvueWire.NOM_METRIC_NOS ? nu.physio : info.label;
        MetricCode metric = IvueCodes.metric(physio, info.labelString);
        int unitCode = nu.unit != 0 ? nu.unit : info.unit;
        UcumUnit unit = IvueCodes.unit(unitCode);
        BigDecimal value = IvueFloat.value(nu.raw);
        Quality quality = quality(nu.state, nu.raw, unit == null ? unitCode : -1, value == null);
        return new NumericReading(
                device, metric, value, unit != null ? unit : unknownUnit(unitCode), quality, deviceTime, receivedAt);
    }

    private static CompoundReading compound(
            DeviceId device,
            IvueReader r,
            IvueContext.ObjectInfo info,
            @Nullable Instant deviceTime,
            Instant receivedAt)
            throws DecodeException {
        int count = r.u16("compound value count");
        int length = r.u16("compound value length");
        IvueReader.expect(length == count * 10, "compound of " + count + " values in " + length + " bytes");
        IvueReader.expect(count > 0, "compound value without components");
        List<CompoundReading.Component> components = new ArrayList<>(count);
        int parent = 0;
        for (int i = 0; i < count; i++) {
            Nu nu = nu(r);
            IvueCodes.Physio p = IvueCodes.physio(nu.physio);
            if (parent == 0 && p != null && p.compound() > 0) {
                parent = p.compound();
            }
            NumericReading n = numeric(device, nu, new IvueContext.ObjectInfo(), deviceTime, receivedAt);
            components.add(new CompoundReading.Component(n.metric(), n.value(), n.unit(), n.quality()));
        }
        int compoundPhysio = parent != 0 ? parent : info.label;
        return new CompoundReading(
                device, IvueCodes.metric(compoundPhysio, info.labelString), components, deviceTime, receivedAt);
    }

    private static UcumUnit unknownUnit(int code) {
        // An annotation is valid UCUM and claims no dimension; the reading is invalid anyway (see quality).
        return new UcumUnit("{philips-unit-" + IvueCodes.hex(code) + "}", "Philips unit " + IvueCodes.hex(code));
    }

    /**
     * The quality of a value from its MeasurementState bits, its FLOAT and whether its unit is known.
     *
     * <p>Demo and test data are marked invalid as well as flagged: a monitor in demo mode shows simulated values, which
     * must never reach a patient's chart.
     */
    static Quality quality(int state, int raw, int unknownUnitCode, boolean noValue) {
        if (state == 0 && unknownUnitCode < 0 && !noValue && IvueFloat.special(raw) == null) {
            return Quality.VALID; // the common case, without allocating
        }
        EnumSet<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        List<String> why = new ArrayList<>(2);
        IvueFloat.Special special = IvueFloat.special(raw);
        if (special != null) {
            flags.add(
                    switch (special) {
                        case NAN -> QualityFlag.NOT_AVAILABLE;
                        case NRES -> QualityFlag.INVALID;
                        case POSITIVE_INFINITY -> QualityFlag.OVER_RANGE;
                        case NEGATIVE_INFINITY -> QualityFlag.UNDER_RANGE;
                    });
            why.add(special.reason);
        }
        if ((state & IvueWire.MS_INVALID) != 0) {
            flags.add(QualityFlag.INVALID);
        }
        if ((state & IvueWire.MS_QUESTIONABLE) != 0) {
            flags.add(QualityFlag.QUESTIONABLE);
        }
        if ((state & IvueWire.MS_UNAVAILABLE) != 0) {
            flags.add(QualityFlag.NOT_AVAILABLE);
        }
        if ((state & IvueWire.MS_CALIBRATION_ONGOING) != 0) {
            flags.add(QualityFlag.CALIBRATING);
        }
        if ((state & IvueWire.MS_TEST_DATA) != 0) {
            flags.add(QualityFlag.TEST_DATA);
            flags.add(QualityFlag.INVALID);
            why.add("test data, not the patient's");
        }
        if ((state & IvueWire.MS_DEMO_DATA) != 0) {
            flags.add(QualityFlag.DEMO_DATA);
            flags.add(QualityFlag.INVALID);
            why.add("demo data: the monitor is in demo mode");
        }
        if ((state & IvueWire.MS_VALIDATED_DATA) != 0) {
            flags.add(QualityFlag.VALIDATED);
        }
        if ((state & IvueWire.MS_EARLY_INDICATION) != 0) {
            flags.add(QualityFlag.EARLY_INDICATION);
        }
        if ((state & IvueWire.MS_MSMT_ONGOING) != 0) {
            flags.add(QualityFlag.MEASUREMENT_ONGOING);
        }
        if ((state & IvueWire.MS_MSMT_STATE_IN_ALARM) != 0) {
            flags.add(QualityFlag.IN_ALARM);
        }
        if ((state & IvueWire.MS_MSMT_STATE_AL_INHIBITED) != 0) {
            flags.add(QualityFlag.ALARMS_INHIBITED);
        }
        if (unknownUnitCode >= 0) {
            flags.add(QualityFlag.INVALID);
            why.add("unit code " + IvueCodes.hex(unknownUnitCode) + " is unknown to the driver");
        }
        if (noValue && flags.stream().noneMatch(QualityFlag::invalidates)) {
            flags.add(QualityFlag.NOT_AVAILABLE);
        }
        if (flags.isEmpty()) {
            return Quality.VALID;
        }
        if (state != 0) {
            why.add(String.format(Locale.ROOT, "measurement state 0x%04X", state));
        }
        return new Quality(flags, String.join("; ", why));
    }

    private static void alarms(
            DeviceId device, IvueReader r, @Nullable Instant deviceTime, Instant receivedAt, List<Reading> out)
            throws DecodeException {
        int count = r.u16("alarm list count");
        int length = r.u16("alarm list length");
        IvueReader list = r.subAtMost(length);
        IvueReader.expect(count <= length / 16, "alarm list counts " + count + " in " + length + " bytes");
        for (int i = 0; i < count; i++) {
            int source = list.u16("alarm source");
            int code = list.u16("alarm code");
            int type = list.u16("alarm type");
            int state = list.u16("alarm state");
            list.skip(6, "alarm object");
            int infoId = list.u16("alert info id");
            IvueReader info = list.sub(list.u16("alert info length"), "alert info");
            String text = null;
            long textId = -1;
            if (infoId == IvueWire.GEN_ALMON_INFO || infoId == IvueWire.STR_ALMON_INFO) {
                info.u16("alarm instance");
                textId = info.u32("alarm text id");
                info.u16("alert priority");
                info.u16("alert flags");
                if (infoId == IvueWire.STR_ALMON_INFO) {
                    text = string(info);
                }
            }
            AlarmEvent.Kind kind = (type & 0x0700) != 0
                    ? AlarmEvent.Kind.PHYSIOLOGICAL
                    : (type & 0x0007) != 0 ? AlarmEvent.Kind.TECHNICAL : AlarmEvent.Kind.UNKNOWN;
            AlarmEvent.Priority priority = (type & (IvueWire.HI_PRI_P_AL | IvueWire.HI_PRI_T_AL)) != 0
                    ? AlarmEvent.Priority.HIGH
                    : (type & (IvueWire.MED_PRI_P_AL | IvueWire.MED_PRI_T_AL)) != 0
                            ? AlarmEvent.Priority.MEDIUM
                            : (type & (IvueWire.LOW_PRI_P_AL | IvueWire.LOW_PRI_T_AL)) != 0
                                    ? AlarmEvent.Priority.LOW
                                    : AlarmEvent.Priority.UNKNOWN;
            AlarmEvent.State alarmState = alertState(state);
            IvueCodes.Physio p = IvueCodes.physio(source);
            String alarmCode = String.format(
                    Locale.ROOT, "%s-%04x-%04x", kind == AlarmEvent.Kind.TECHNICAL ? "t" : "p", source, code);
            String shown = text != null && !text.isBlank()
                    ? text
                    : "Philips alert " + (textId >= 0 ? String.format(Locale.ROOT, "0x%08X", textId) : alarmCode);
            out.add(new AlarmEvent(
                    device,
                    alarmCode,
                    p == null ? null : p.metric(),
                    kind,
                    priority,
                    alarmState,
                    shown,
                    deviceTime,
                    receivedAt));
        }
    }

    /**
     * The alert's AlertState bits in the model's terms. Latched wins over every other bit: the condition is gone but the
     * monitor still holds the alarm, and that must reach the alarm path whatever else is set (a latched alarm taken for
     * a silenced or absent one would be hidden). AL_INHIBITED is the alarm switched off at the monitor (IEC 60601-1-8
     * ALARM OFF: of no set end, visual and aural) and wins over AL_SUSPENDED, the alarm paused for a while (ALARM
     * PAUSED); an alarm silenced with the silence/reset key (its sound only) says so. Sources: docs/alarms.md
     * "Inactivation states".
     */
    static AlarmEvent.State alertState(int state) {
        if ((state & IvueWire.AL_LATCHED) != 0) {
            return AlarmEvent.State.LATCHED;
        }
        if ((state & IvueWire.AL_INHIBITED) != 0) {
            return AlarmEvent.State.ALARM_OFF;
        }
        if ((state & IvueWire.AL_SUSPENDED) != 0) {
            return AlarmEvent.State.ALARM_PAUSED;
        }
        if ((state & IvueWire.AL_SILENCED_RESET) != 0) {
            return AlarmEvent.State.SILENCED_RESET;
        }
        return AlarmEvent.State.ACTIVE;
    }

    private static @Nullable WaveformSegment wave(
            DeviceId device,
            IvueReader r,
            IvueContext.ObjectInfo info,
            @Nullable Instant deviceTime,
            Instant receivedAt)
            throws DecodeException {
        int physio = r.u16("wave physio id");
        int state = r.u16("wave state");
        int length = r.u16("samples length");
        IvueReader samples = r.sub(length, "samples");
        BigDecimal lowerAbs = info.lowerAbsolute;
        BigDecimal upperAbs = info.upperAbsolute;
        if (info.samplePeriodTicks <= 0 || lowerAbs == null || upperAbs == null) {
            return null; // scaling or timing not known yet: the samples cannot be given in a unit
        }
        int bits = info.sampleBits == 0 ? 16 : info.sampleBits;
        int mask = info.significantBits == 0 ? (1 << bits) - 1 : (1 << info.significantBits) - 1;
        int n = length / (bits / 8);
        double[] values = new double[n];
        double lower = lowerAbs.doubleValue();
        double slope = upperAbs.subtract(lowerAbs, MathContext.DECIMAL64).doubleValue()
                / (info.upperScaled - info.lowerScaled);
        for (int i = 0; i < n; i++) {
            int s = (bits == 16 ? samples.u16("sample") : samples.u8("sample")) & mask;
            values[i] = lower + (s - info.lowerScaled) * slope;
        }
        int unitCode = info.unit;
        UcumUnit unit = IvueCodes.unit(unitCode);
        Quality q = quality(state, 0, unit == null ? unitCode : -1, false);
        int p = physio != 0 ? physio : info.label;
        return new WaveformSegment(
                device,
                IvueCodes.metric(p, info.labelString),
                unit != null ? unit : unknownUnit(unitCode),
                Duration.ofNanos(info.samplePeriodTicks * IvueWire.RELATIVE_TIME_TICK_NANOS),
                values,
                q,
                deviceTime,
                receivedAt);
    }

    /** An IntelliVue String: length u16 in bytes, UTF-16BE, ended or padded by NUL. */
    static String string(IvueReader r) throws DecodeException {
        int n = r.u16("string length");
        byte[] b = r.bytes(n, "string");
        int end = 0;
        while (end + 1 < b.length && (b[end] != 0 || b[end + 1] != 0)) {
            end += 2;
        }
        return new String(b, 0, end, StandardCharsets.UTF_16BE).trim();
    }

    /** The device time of each object: its own time stamp, else the poll result's, through the clock baseline. */
    private static final class LocalTimes {
        private final IvueContext ctx;
        private final @Nullable Instant pollTime;

        LocalTimes(IvuePollResult poll, IvueContext ctx) {
            this.ctx = ctx;
            Instant abs = ctx.fromAbsolute(IvueTime.absolute(poll.absoluteTime(), 0));
            this.pollTime = abs != null ? abs : ctx.fromRelative(poll.relativeTime());
        }

        @Nullable
        Instant of(IvuePollResult.Observation o) throws DecodeException {
            IvueAttribute abs = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_TIME_STAMP_ABS);
            if (abs != null && abs.length() == 8) {
                Instant t = ctx.fromAbsolute(IvueTime.absolute(abs.data(), abs.offset()));
                if (t != null) {
                    return t;
                }
            }
            IvueAttribute rel = IvueAttribute.find(o.attributes(), IvueWire.NOM_ATTR_TIME_STAMP_REL);
            if (rel != null && rel.length() == 4) {
                Instant t = ctx.fromRelative(rel.reader().u32("TIME_STAMP_REL"));
                if (t != null) {
                    return t;
                }
            }
            return pollTime;
        }
    }
}
