package org.bedside.sim;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bedside.sim.scenario.SensorCondition;
import org.bedside.sim.scenario.VitalSigns;
import org.jspecify.annotations.Nullable;

/**
 * Turns what a Masimo oximeter displays into the line its serial port sends, "ASCII 1" (protocols.md §4.1, from the
 * MD PnP / OpenICE Radical-7 adapter and published Rad-8 captures). Written from that description, not from the
 * gateway's decoder, so that a round trip through both tests something.
 *
 * <pre>
 * Radical-7: 11/22/26 09:59:58 SN=0000012345 SPO2=097% BPM=072 PI=03.60% SPCO=01.0% SPMET=00.5% DESAT=01 PIDELTA=-02 PVI=027 ALARM=0000 EXC=000800␍␊
 *            no values:        SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=---
 * Radical-5: 09/15/10 15:10:29 SPO2=097% BPM=064 PI=11.82% ALARM=20 EXC=800␍␊
 * </pre>
 *
 * <p>The ALARM field carries the limit violations against {@link AlarmLimits} plus "alarm active" when there is any;
 * the EXC field carries "Masimo SET" (always set while the device runs) plus one bit per {@link SensorCondition}.
 * Thread-safe and stateless.
 */
public final class MasimoLineEncoder {
    // ALARM bits (MD PnP poxrad_discrete.h, protocols.md §4.1).
    static final int ALARM_SPO2_HIGH = 0x0001;
    static final int ALARM_SPO2_LOW = 0x0002;
    static final int ALARM_PULSE_HIGH = 0x0004;
    static final int ALARM_PULSE_LOW = 0x0008;
    static final int ALARM_ACTIVE = 0x0010;

    // EXC bits (same source).
    static final int EXC_NO_SENSOR = 0x000001;
    static final int EXC_DEFECTIVE_SENSOR = 0x000002;
    static final int EXC_LOW_PERFUSION = 0x000004;
    static final int EXC_PULSE_SEARCH = 0x000008;
    static final int EXC_INTERFERENCE = 0x000010;
    static final int EXC_SENSOR_OFF = 0x000020;
    static final int EXC_AMBIENT_LIGHT = 0x000040;
    static final int EXC_UNRECOGNIZED_SENSOR = 0x000080;
    static final int EXC_LOW_SIGNAL_IQ = 0x000400;
    /** "Masimo SET": set in normal operation; not an exception. */
    static final int EXC_MASIMO_SET = 0x000800;

    static final int EXC_NO_CABLE = 0x001000;
    static final int EXC_SENSOR_CALIBRATING = 0x020000;

    static final byte[] LINE_END = {'\r', '\n'};

    private static final DateTimeFormatter DEVICE_TIME = DateTimeFormatter.ofPattern("MM/dd/yy HH:mm:ss", Locale.ROOT);
    private static final Pattern SERIAL_NUMBER = Pattern.compile("[0-9]{10}");

    private final MasimoModel model;
    private final String serialNumber;
    private final AlarmLimits limits;

    /**
     * @param serialNumber the device's 10-digit serial number (the Radical-5 line does not carry it)
     */
    public MasimoLineEncoder(MasimoModel model, String serialNumber, AlarmLimits limits) {
        if (!SERIAL_NUMBER.matcher(serialNumber).matches()) {
            throw new IllegalArgumentException("a Masimo serial number is 10 digits: '" + serialNumber + "'");
        }
        this.model = model;
        this.serialNumber = serialNumber;
        this.limits = limits;
    }

    public MasimoModel model() {
        return model;
    }

    public String serialNumber() {
        return serialNumber;
    }

    public AlarmLimits limits() {
        return limits;
    }

    /**
     * The bytes of one line, CR LF included, in US-ASCII.
     *
     * @param deviceTime the device's local clock; the line has whole seconds and a two-digit year
     * @throws IllegalArgumentException for a time outside 2000 to 2099, which the line cannot express
     */
    public byte[] encode(VitalSigns vitals, LocalDateTime deviceTime) {
        byte[] text = line(vitals, deviceTime).getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(text, text.length + LINE_END.length);
        System.arraycopy(LINE_END, 0, bytes, text.length, LINE_END.length);
        return bytes;
    }

    /** The line as text, without its CR LF. */
    public String line(VitalSigns vitals, LocalDateTime deviceTime) {
        if (deviceTime.getYear() < 2000 || deviceTime.getYear() > 2099) {
            throw new IllegalArgumentException("the device clock shows a two-digit year; " + deviceTime
                    + " would be read back in another century");
        }
        StringBuilder b = new StringBuilder(160);
        b.append(DEVICE_TIME.format(deviceTime));
        if (model == MasimoModel.RADICAL_7) {
            b.append(" SN=").append(serialNumber);
        }
        b.append(" SPO2=").append(whole(vitals.spo2(), 3)).append('%');
        b.append(" BPM=").append(whole(vitals.pulseRate(), 3));
        b.append(" PI=").append(decimal(vitals.perfusionIndex(), 2, 2)).append('%');
        int alarm = alarmField(vitals);
        int exceptions = exceptionField(vitals);
        if (model == MasimoModel.RADICAL_7) {
            b.append(" SPCO=").append(decimal(vitals.spco(), 2, 1)).append('%');
            b.append(" SPMET=").append(decimal(vitals.spmet(), 2, 1)).append('%');
            b.append(" DESAT=").append(whole(vitals.desatIndex(), 2));
            b.append(" PIDELTA=").append(signed(vitals.perfusionIndexDelta()));
            b.append(" PVI=").append(whole(vitals.plethVariabilityIndex(), 3));
            b.append(String.format(Locale.ROOT, " ALARM=%04X EXC=%06X", alarm, exceptions));
        } else {
            // The Radical-5 example line has "ALARM=20 EXC=800": the fields are shorter, without leading zeros.
            b.append(String.format(Locale.ROOT, " ALARM=%02X EXC=%03X", alarm, exceptions));
        }
        return b.toString();
    }

    /** The ALARM field for these vitals: one bit per violated limit, plus "alarm active" when there is any. */
    public int alarmField(VitalSigns vitals) {
        int alarm = 0;
        Integer spo2 = vitals.spo2();
        if (spo2 != null) {
            alarm |= spo2 < limits.spo2Low() ? ALARM_SPO2_LOW : 0;
            alarm |= spo2 > limits.spo2High() ? ALARM_SPO2_HIGH : 0;
        }
        Integer pulse = vitals.pulseRate();
        if (pulse != null) {
            alarm |= pulse < limits.pulseRateLow() ? ALARM_PULSE_LOW : 0;
            alarm |= pulse > limits.pulseRateHigh() ? ALARM_PULSE_HIGH : 0;
        }
        return alarm == 0 ? 0 : alarm | ALARM_ACTIVE;
    }

    /** The EXC field for these vitals: "Masimo SET" plus one bit per sensor condition. */
    public int exceptionField(VitalSigns vitals) {
        int exceptions = EXC_MASIMO_SET;
        for (SensorCondition c : vitals.conditions()) {
            exceptions |= exceptionBit(c);
        }
        return exceptions;
    }

    static int exceptionBit(SensorCondition condition) {
        return switch (condition) {
            case NO_SENSOR -> EXC_NO_SENSOR;
            case DEFECTIVE_SENSOR -> EXC_DEFECTIVE_SENSOR;
            case LOW_PERFUSION -> EXC_LOW_PERFUSION;
            case PULSE_SEARCH -> EXC_PULSE_SEARCH;
            case INTERFERENCE -> EXC_INTERFERENCE;
            case SENSOR_OFF -> EXC_SENSOR_OFF;
            case AMBIENT_LIGHT -> EXC_AMBIENT_LIGHT;
            case UNRECOGNIZED_SENSOR -> EXC_UNRECOGNIZED_SENSOR;
            case LOW_SIGNAL_IQ -> EXC_LOW_SIGNAL_IQ;
            case NO_CABLE -> EXC_NO_CABLE;
            case SENSOR_CALIBRATING -> EXC_SENSOR_CALIBRATING;
        };
    }

    /** {@code 097}, or {@code ---} when absent. */
    private static String whole(@Nullable Integer value, int digits) {
        return value == null ? "-".repeat(digits) : String.format(Locale.ROOT, "%0" + digits + "d", value);
    }

    /** {@code 03.60}, or {@code --.--} when absent. */
    private static String decimal(@Nullable Double value, int integerDigits, int fractionDigits) {
        if (value == null) {
            return "-".repeat(integerDigits) + "." + "-".repeat(fractionDigits);
        }
        int width = integerDigits + 1 + fractionDigits;
        return String.format(Locale.ROOT, "%0" + width + "." + fractionDigits + "f", value);
    }

    /** {@code +05}, {@code -02}, or {@code +--} when absent. */
    private static String signed(@Nullable Integer value) {
        return value == null ? "+--" : String.format(Locale.ROOT, "%+03d", value);
    }
}
