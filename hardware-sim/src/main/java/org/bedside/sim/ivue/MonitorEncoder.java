package org.bedside.sim.ivue;

import static org.bedside.sim.ivue.MonitorWire.hex;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.bedside.sim.ivue.MonitorWire.Out;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;

/**
 * Writes what an IntelliVue monitor sends (user data; the transport frames it): association answers, the MDS create
 * event, poll results of numerics, alerts and waves built from {@link VitalSigns}. Layouts from protocols.md §1.3–§1.11.
 */
final class MonitorEncoder {
    private MonitorEncoder() {}

    /** One AVA. */
    record Ava(int id, byte[] value) {}

    /** One object's report in a poll result. */
    record Obj(int handle, List<Ava> attributes) {}

    // Physio ids, units and label TextIds the monitor reports (§1.10, §1.11).
    static final int HR = 0x4182;
    static final int SPO2 = 0x4BB8;
    static final int PLETH_PULSE = 0x4822;
    static final int PERF_REL = 0x4BB0;
    static final int RESP_RATE = 0x500A;
    static final int TEMP = 0x4B48;
    static final int NIBP = 0x4A04;
    static final int NIBP_SYS = 0x4A05;
    static final int NIBP_DIA = 0x4A06;
    static final int NIBP_MEAN = 0x4A07;
    static final int ECG_II = 0x0102;
    static final int PLETH = 0x4BB4;
    static final int RESP = 0x5000;
    static final int UNIT_BPM = 0x0AA0;
    static final int UNIT_PERCENT = 0x0220;
    static final int UNIT_DIMLESS = 0x0200;
    static final int UNIT_RESP_PER_MIN = 0x0AE0;
    static final int UNIT_DEGC = 0x17A0;
    static final int UNIT_MMHG = 0x0F20;
    static final int UNIT_MILLI_VOLT = 0x10B2;

    // Object handles of this simulated monitor (context 1), as a real one numbers its objects.
    static final int H_HR = 0x0842;
    static final int H_SPO2 = 0x07B7;
    static final int H_PULSE = 0x07BD;
    static final int H_PERF = 0x07C1;
    static final int H_RR = 0x0849;
    static final int H_TEMP = 0x0850;
    static final int H_NIBP = 0x0B2C;
    static final int H_ECG = 0x083B;
    static final int H_PLETH = 0x0843;
    static final int H_RESP = 0x0847;

    /**
     * The association response of a real MX800 (patient-monitor-datalogger's log: session and presentation header),
     * with the user data of protocols.md §1.4: server, hot start, min poll period 0.5 s, MTU 996, ext options 0x8E.
     */
    static byte[] associationAccept() {
        return hex("0e ce 05 08 13 01 00 16 01 02 80 00 14 02 00 02"
                + "c1 be 31 80 a0 80 80 01 01 00 00 a2 80 a0 03 00 00 01 a5 80 30 80 80 01 00 81 02 51 01 00 00 30"
                + "80 80 01 00 81 0c 2a 86 48 ce 14 02 01 00 00 00 02 01 00 00 00 00 61 80 30 80 02 01 01 a0 80 61"
                + "80 a1 80 06 0c 2a 86 48 ce 14 02 01 00 00 00 03 01 00 00 a2 03 02 01 00 a3 05 a1 03 02 01 00 be"
                + "80 28 80 02 01 02 81 48"
                + "80000000 40000000 00000000 00800000 80000000 00000000 0001002C 00010028 80000000 00000FA0"
                + "000003E4 000003E4 FFFFFFFF 60000000 0001000C F0010008 8E000000 00000000"
                + "00000000000000000000000000000000");
    }

    /** RF (mindleaving's constants: session data 32 01 00, nothing else). */
    static byte[] refuse() {
        return hex("0c 03 32 01 00");
    }

    /** AB, as a monitor sends it (§1.4: starts 19 2E 11 01 03 C1 29). */
    static byte[] abort() {
        return hex("19 2e 11 01 03 c1 29 a0 80 a0 80 30 80 02 01 01 06 02 51 01 00 00 00 00 61 80 30 80 02 01 01 a0 80"
                + " 64 80 80 01 01 00 00 00 00 00 00 00 00 00 00");
    }

    /** DN: the release request with 0A first and 63 for 62 (§1.4; as in the real log). */
    static byte[] releaseResponse() {
        return hex("0a 18 c1 16 61 80 30 80 02 01 01 a0 80 63 80 80 01 00 00 00 00 00 00 00 00 00");
    }

    /** The remote-operation envelope: SPpdu E1 00 00 02, ROapdus, and the RO header. */
    static byte[] operation(int roType, int linkedState, int invokeId, int command, byte[] argument) {
        Out op = new Out();
        if (roType == MonitorWire.ROLRS) {
            op.u8(linkedState).u8(1);
        }
        op.u16(invokeId).u16(command).u16(argument.length).bytes(argument);
        byte[] o = op.toBytes();
        return new Out().u16(0xE100).u16(2).u16(roType).u16(o.length).bytes(o).toBytes();
    }

    static byte[] error(int invokeId, int errorValue) {
        byte[] o = new Out().u16(invokeId).u16(errorValue).u16(0).toBytes();
        return new Out()
                .u16(0xE100)
                .u16(2)
                .u16(MonitorWire.ROER)
                .u16(o.length)
                .bytes(o)
                .toBytes();
    }

    static byte[] attributeList(List<Ava> attributes) {
        Out list = new Out();
        for (Ava a : attributes) {
            list.u16(a.id).block(a.value);
        }
        byte[] b = list.toBytes();
        return new Out().u16(attributes.size()).u16(b.length).bytes(b).toBytes();
    }

    /** The patient demographics object (handle 0x50, as the real MX800's): its state, id and names. */
    static List<Obj> demographics(MonitorPatient p) {
        return List.of(new Obj(
                0x50,
                List.of(
                        new Ava(MonitorWire.ATTR_HANDLE, new Out().u16(0x50).toBytes()),
                        new Ava(
                                MonitorWire.ATTR_PT_DEMOG_ST,
                                new Out().u16(p.state()).toBytes()),
                        new Ava(MonitorWire.ATTR_PT_ID, string(p.id())),
                        new Ava(MonitorWire.ATTR_PT_NAME_FAMILY, string(p.familyName())),
                        new Ava(MonitorWire.ATTR_PT_NAME_GIVEN, string(p.givenName())))));
    }

    /** An IntelliVue String (§1.3): its length in bytes, then UTF-16BE, NUL-terminated. */
    private static byte[] string(String text) {
        byte[] utf16 = (text + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_16BE);
        return new Out().block(utf16).toBytes();
    }

    /** The MDS create event report (§1.5): what the monitor is and its clocks now. */
    static byte[] mdsCreate(int invokeId, long relativeTime, LocalDateTime absoluteTime) {
        List<Ava> attributes = List.of(
                new Ava(MonitorWire.ATTR_SYS_TYPE, hex("0001 114D")),
                new Ava(
                        MonitorWire.ATTR_MODEL,
                        new Out()
                                .block(ascii("Philips", 8))
                                .block(ascii("SIM-MX", 8))
                                .toBytes()),
                new Ava(MonitorWire.ATTR_MDS_STATUS, hex("0006")),
                new Ava(MonitorWire.ATTR_TIME_ABS, bcd(absoluteTime)),
                new Ava(MonitorWire.ATTR_TIME_REL, new Out().u32(relativeTime).toBytes()));
        byte[] info = new Out()
                .u16(MonitorWire.MDS)
                .u16(0)
                .u16(0)
                .bytes(attributeList(attributes))
                .toBytes();
        byte[] event = new Out()
                .u16(MonitorWire.MDS)
                .u16(0)
                .u16(0)
                .u32(relativeTime)
                .u16(MonitorWire.MDS_CREATE)
                .block(info)
                .toBytes();
        return operation(MonitorWire.ROIV, 0, invokeId, MonitorWire.CONFIRMED_EVENT_REPORT, event);
    }

    /** The result of a SET (the wave priority list): the MDS and an empty attribute list. */
    static byte[] setResult(int invokeId) {
        byte[] result =
                new Out().u16(MonitorWire.MDS).u16(0).u16(0).u16(0).u16(0).toBytes();
        return operation(MonitorWire.RORS, 0, invokeId, MonitorWire.CONFIRMED_SET, result);
    }

    /**
     * A poll result (§1.7) with one context of objects.
     *
     * @param linkedState 0 for an ordinary result (RORS), else the ROLRS state
     */
    static byte[] pollResult(
            boolean extended,
            int invokeId,
            int linkedState,
            int pollNumber,
            int sequence,
            long relativeTime,
            int objectType,
            int attributeGroup,
            int context,
            List<Obj> objects) {
        Out observations = new Out();
        for (Obj o : objects) {
            observations.u16(o.handle).bytes(attributeList(o.attributes));
        }
        byte[] obs = observations.toBytes();
        Out info = new Out();
        if (objects.isEmpty()) {
            info.u16(0).u16(0);
        } else {
            byte[] single =
                    new Out().u16(context).u16(objects.size()).block(obs).toBytes();
            info.u16(1).block(single);
        }
        Out reply = new Out().u16(pollNumber);
        if (extended) {
            reply.u16(sequence);
        }
        reply.u32(relativeTime)
                .bytes(hex("ffffffffffffffff")) // most monitors send no absolute time in poll results (§1.5)
                .u16(MonitorWire.PART_OBJ)
                .u16(objectType)
                .u16(attributeGroup)
                .bytes(info.toBytes());
        byte[] action = new Out()
                .u16(MonitorWire.MDS)
                .u16(0)
                .u16(0)
                .u16(extended ? MonitorWire.POLL_EXT : MonitorWire.POLL)
                .block(reply.toBytes())
                .toBytes();
        return operation(
                linkedState == 0 ? MonitorWire.RORS : MonitorWire.ROLRS,
                linkedState,
                invokeId,
                MonitorWire.CONFIRMED_ACTION,
                action);
    }

    // ---- numerics ----

    /** An NIBP measurement the monitor holds: its values and when the cuff measured. */
    record NibpMeasurement(
            @Nullable Integer systolic,
            @Nullable Integer diastolic,
            @Nullable Integer mean,
            LocalDateTime time) {}

    /**
     * The numeric objects for one push.
     *
     * @param withStatic include each object's static attributes (handle, label, label string, unit): the first result
     *     of a poll of all attributes
     */
    static List<Obj> numerics(VitalSigns v, @Nullable NibpMeasurement nibp, boolean withStatic) {
        boolean sensorOff = v.has(SensorCondition.SENSOR_OFF)
                || v.has(SensorCondition.NO_SENSOR)
                || v.has(SensorCondition.PULSE_SEARCH);
        List<Obj> objects = new ArrayList<>();
        objects.add(numeric(H_HR, HR, "HR", UNIT_BPM, decimal(v.heartRate()), false, withStatic));
        objects.add(numeric(H_SPO2, SPO2, "SpO\u2082", UNIT_PERCENT, decimal(v.spo2()), sensorOff, withStatic));
        objects.add(numeric(H_PULSE, PLETH_PULSE, "Pulse", UNIT_BPM, decimal(v.pulseRate()), sensorOff, withStatic));
        objects.add(numeric(
                H_PERF,
                PERF_REL,
                "Perf",
                UNIT_DIMLESS,
                v.perfusionIndex() == null
                        ? null
                        : BigDecimal.valueOf(v.perfusionIndex()).setScale(2),
                sensorOff,
                withStatic));
        objects.add(numeric(H_RR, RESP_RATE, "RR", UNIT_RESP_PER_MIN, decimal(v.respirationRate()), false, withStatic));
        objects.add(numeric(
                H_TEMP,
                TEMP,
                "T1",
                UNIT_DEGC,
                v.temperature() == null
                        ? null
                        : BigDecimal.valueOf(v.temperature()).setScale(1),
                false,
                withStatic));
        if (nibp != null) {
            List<Ava> attributes = new ArrayList<>();
            if (withStatic) {
                attributes.addAll(staticAttributes(H_NIBP, NIBP, "NBP", UNIT_MMHG));
            }
            attributes.add(new Ava(MonitorWire.ATTR_TIME_STAMP_ABS, bcd(nibp.time())));
            attributes.add(new Ava(
                    MonitorWire.ATTR_NU_CMPD_VAL_OBS,
                    new Out()
                            .u16(3)
                            .u16(30)
                            .bytes(nu(NIBP_SYS, UNIT_MMHG, decimal(nibp.systolic()), false))
                            .bytes(nu(NIBP_DIA, UNIT_MMHG, decimal(nibp.diastolic()), false))
                            .bytes(nu(NIBP_MEAN, UNIT_MMHG, decimal(nibp.mean()), false))
                            .toBytes()));
            objects.add(new Obj(H_NIBP, attributes));
        }
        return objects;
    }

    private static @Nullable BigDecimal decimal(@Nullable Integer v) {
        return v == null ? null : BigDecimal.valueOf(v);
    }

    private static Obj numeric(
            int handle,
            int physio,
            String label,
            int unit,
            @Nullable BigDecimal value,
            boolean invalid,
            boolean withStatic) {
        List<Ava> attributes = new ArrayList<>();
        if (withStatic) {
            attributes.addAll(staticAttributes(handle, physio, label, unit));
        }
        attributes.add(new Ava(MonitorWire.ATTR_NU_VAL_OBS, nu(physio, unit, value, invalid)));
        return new Obj(handle, attributes);
    }

    static List<Ava> staticAttributes(int handle, int physio, String label, int unit) {
        return List.of(
                new Ava(MonitorWire.ATTR_HANDLE, new Out().u16(handle).toBytes()),
                new Ava(MonitorWire.ATTR_LABEL, new Out().u16(2).u16(physio).toBytes()),
                new Ava(MonitorWire.ATTR_LABEL_STRING, utf16(label, 16)),
                new Ava(MonitorWire.ATTR_UNIT_CODE, new Out().u16(unit).toBytes()));
    }

    /**
     * NuObsValue: physio id, state, unit, FLOAT. No value is NaN, marked unavailable; a value the sensor cannot back
     * (sensor off) is NaN marked invalid, as the real MX800 marks a missing ECG.
     */
    static byte[] nu(int physio, int unit, @Nullable BigDecimal value, boolean invalid) {
        int state = value == null ? (invalid ? MonitorWire.STATE_INVALID : MonitorWire.STATE_UNAVAILABLE) : 0;
        int raw = value == null ? MonitorWire.FLOAT_NAN : MonitorWire.floatOf(value);
        return new Out().u16(physio).u16(state).u16(unit).u32(raw & 0xFFFFFFFFL).toBytes();
    }

    // ---- alerts ----

    /** An alert the simulated monitor raises, with its AlertState bits (0: active). */
    record Alert(int source, int code, int type, String text, int state) {
        /** AlertState AL_LATCHED: the condition has gone, the monitor holds the alarm until it is reset. */
        static final int AL_LATCHED = 0x2000;

        Alert(int source, int code, int type, String text) {
            this(source, code, type, text, 0);
        }

        /** The same alert, held latched by the monitor after its condition went. */
        Alert latched() {
            return new Alert(source, code, type, text, AL_LATCHED);
        }

        /** Source and code: what names one alert of the monitor whatever its state. */
        int identity() {
            return source << 16 | code;
        }
    }

    /** Codes of the alerts this simulator raises; chosen here, reported by the driver as they are. */
    static final int ALERT_LOW = 0x0E02;

    static final int ALERT_HIGH = 0x0E04;
    static final int ALERT_SENSOR_OFF = 0x0E20;
    /** NOM_EVT_ECG_ASYSTOLE (3076), the monitor's own asystole alarm (Data Export Programming Guide). */
    static final int ALERT_ASYSTOLE = 0x0C04;

    static final int MED_PRI_P_AL = 0x0200;
    static final int HI_PRI_P_AL = 0x0400;
    static final int MED_PRI_T_AL = 0x0002;

    /**
     * What the vitals alarm: SpO2 below 90 % (high priority below 85 %), heart rate above 120/min, an ECG heart rate of
     * 0 (asystole, high priority), sensor off.
     */
    static List<Alert> alerts(VitalSigns v) {
        List<Alert> alerts = new ArrayList<>();
        Integer spo2 = v.spo2();
        if (spo2 != null && spo2 < 90) {
            alerts.add(new Alert(SPO2, ALERT_LOW, spo2 < 85 ? HI_PRI_P_AL : MED_PRI_P_AL, "**SpO2 Low"));
        }
        Integer hr = v.heartRate();
        if (hr != null && hr > 120) {
            alerts.add(new Alert(HR, ALERT_HIGH, MED_PRI_P_AL, "**HR High"));
        }
        if (hr != null && hr == 0) {
            alerts.add(new Alert(HR, ALERT_ASYSTOLE, HI_PRI_P_AL, "***Asystole"));
        }
        if (v.has(SensorCondition.SENSOR_OFF)) {
            alerts.add(new Alert(SPO2, ALERT_SENSOR_OFF, MED_PRI_T_AL, "SpO2 Sensor Off"));
        }
        return alerts;
    }

    /** The alert monitor object (handle 0, context 0): device alert condition and the two alarm lists. */
    static List<Obj> alertMonitor(List<Alert> alerts) {
        List<Alert> physiological =
                alerts.stream().filter(a -> a.type >= 0x0100).toList();
        List<Alert> technical = alerts.stream().filter(a -> a.type < 0x0100).toList();
        int maxP = physiological.stream().mapToInt(Alert::type).max().orElse(0);
        int maxT = technical.stream().mapToInt(Alert::type).max().orElse(0);
        byte[] condition = new Out()
                .u16(0)
                .u16(0)
                .u16(maxP)
                .u16(maxT)
                .u16(Math.max(maxP, maxT))
                .toBytes();
        return List.of(new Obj(
                0,
                List.of(
                        new Ava(MonitorWire.ATTR_DEV_AL_COND, condition),
                        new Ava(MonitorWire.ATTR_P_AL_LIST, alarmList(physiological)),
                        new Ava(MonitorWire.ATTR_T_AL_LIST, alarmList(technical)))));
    }

    /** DevAlarmList: count, length, DevAlarmEntry[] with StrAlMonInfo (the alert's text). */
    static byte[] alarmList(List<Alert> alerts) {
        Out entries = new Out();
        int instance = 0;
        for (Alert a : alerts) {
            byte[] info = new Out()
                    .u16(instance++)
                    .u32(0x0003_0000L | a.code) // alarm text TextId
                    .u16(a.type >= HI_PRI_P_AL ? 2 : 1)
                    .u16(0x6000) // BEDSIDE_AUDIBLE | CENTRAL_AUDIBLE
                    .bytes(utf16(a.text, 24))
                    .toBytes();
            entries.u16(a.source)
                    .u16(a.code)
                    .u16(a.type)
                    .u16(a.state) // AlertState: 0 active, AL_LATCHED
                    .u16(a.type >= 0x0100 ? 0x0006 : 0x0021) // object: a metric, or the MDS
                    .u16(1)
                    .u16(a.source == SPO2 ? H_SPO2 : H_HR)
                    .u16(0x0204) // STR_ALMON_INFO
                    .block(info);
        }
        return new Out().u16(alerts.size()).block(entries.toBytes()).toBytes();
    }

    // ---- waves ----

    /** A wave this monitor sends: its label, unit, samples per second, scaling. */
    record Wave(
            int handle, int physio, String label, int unit, int samplesPerSecond, String lowerAbs, String upperAbs) {}

    static final List<Wave> WAVES = List.of(
            new Wave(H_ECG, ECG_II, "II", UNIT_MILLI_VOLT, 500, "-40.96", "40.955"),
            new Wave(H_PLETH, PLETH, "Pleth", UNIT_DIMLESS, 125, "0", "4.095"),
            new Wave(H_RESP, RESP, "Resp", UNIT_DIMLESS, 62, "0", "4.095"));

    /** One wave push: {@code samples} 14-bit samples per wave, from a synthetic trace at {@code heartRate}. */
    static List<Obj> waves(double seconds, double pushSeconds, @Nullable Integer heartRate, boolean withStatic) {
        List<Obj> objects = new ArrayList<>();
        for (Wave w : WAVES) {
            int n = (int) Math.round(w.samplesPerSecond * pushSeconds);
            Out samples = new Out();
            for (int i = 0; i < n; i++) {
                double t = seconds + (double) i / w.samplesPerSecond;
                double beat = heartRate == null ? 0 : heartRate / 60.0;
                double x = w.physio == RESP ? Math.sin(2 * Math.PI * t * 0.25) : Math.sin(2 * Math.PI * t * beat);
                samples.u16(8192 + (int) Math.round(x * (w.physio == ECG_II ? 100 : 2000)));
            }
            byte[] s = samples.toBytes();
            List<Ava> attributes = new ArrayList<>();
            if (withStatic) {
                attributes.addAll(staticAttributes(w.handle, w.physio, w.label, w.unit));
                attributes.add(new Ava(
                        MonitorWire.ATTR_SA_SPECN,
                        new Out().u16(n).u8(16).u8(14).u16(0).toBytes()));
                attributes.add(new Ava(
                        MonitorWire.ATTR_SCALE_SPECN_I16,
                        new Out()
                                .u32(MonitorWire.floatOf(new BigDecimal(w.lowerAbs)) & 0xFFFFFFFFL)
                                .u32(MonitorWire.floatOf(new BigDecimal(w.upperAbs)) & 0xFFFFFFFFL)
                                .u16(0)
                                .u16(16383)
                                .toBytes()));
                attributes.add(new Ava(
                        MonitorWire.ATTR_TIME_PD_SAMP,
                        new Out()
                                .u32(MonitorWire.TICKS_PER_SECOND / w.samplesPerSecond)
                                .toBytes()));
            }
            attributes.add(new Ava(
                    MonitorWire.ATTR_SA_VAL_OBS,
                    new Out().u16(w.physio).u16(0).block(s).toBytes()));
            objects.add(new Obj(w.handle, attributes));
        }
        return objects;
    }

    // ---- types ----

    /** AbsoluteTime: eight BCD bytes, century to hundredths. */
    static byte[] bcd(LocalDateTime t) {
        int[] v = {
            t.getYear() / 100,
            t.getYear() % 100,
            t.getMonthValue(),
            t.getDayOfMonth(),
            t.getHour(),
            t.getMinute(),
            t.getSecond(),
            t.getNano() / 10_000_000
        };
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) ((v[i] / 10) << 4 | v[i] % 10);
        }
        return b;
    }

    /** String: length in bytes, UTF-16BE, NUL-padded to {@code bytes}. */
    static byte[] utf16(String text, int bytes) {
        byte[] t = text.getBytes(StandardCharsets.UTF_16BE);
        byte[] padded = new byte[Math.max(bytes, t.length + 2)];
        System.arraycopy(t, 0, padded, 0, t.length);
        return new Out().block(padded).toBytes();
    }

    /** VariableLabel text: ASCII, NUL-padded to an even {@code bytes}. */
    static byte[] ascii(String text, int bytes) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] padded = new byte[Math.max(bytes, t.length + 1)];
        System.arraycopy(t, 0, padded, 0, t.length);
        return padded;
    }
}
