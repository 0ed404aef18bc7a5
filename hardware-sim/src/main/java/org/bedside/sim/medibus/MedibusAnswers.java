package org.bedside.sim.medibus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bedside.sim.scenario.MonitorVitals;
import org.bedside.sim.scenario.SensorCondition;
import org.jspecify.annotations.Nullable;

/**
 * What the simulated ventilator answers, as Medibus data strings (protocols.md 3): measured data and settings as
 * records of a two-hex-character code and a right-justified value (four characters, five for settings), alarms as a
 * priority, a code and a twelve-character phrase. Values the device does not have are sent as dashes.
 *
 * <p>The ventilation is steady and derived from the scenario second: tidal volume 450 to 490 mL, PEEP 5 mbar, peak
 * pressure 20 to 24 mbar, the respiration rate of {@link MonitorVitals}, minute volume their product; SpO2, pulse and
 * EtCO2 (as a partial pressure at 760 mmHg) come from the monitor vitals. Alarms: SpO2 below 90 %, and a missing SpO2
 * signal when the sensor is off.
 */
public final class MedibusAnswers {
    /** What one cycle of answers carries, for tests. */
    public record Values(
            MonitorVitals vitals,
            @Nullable Integer etco2MmHg,
            int tidalVolume,
            int peakPressure,
            BigDecimal minuteVolume,
            List<String> alarms) {}

    private MedibusAnswers() {}

    public static Values values(MonitorVitals v, long second) {
        Integer etco2 = v.etco2Percent() == null || v.ambientPressure() == null
                ? null
                : v.etco2Percent()
                        .multiply(v.ambientPressure())
                        .movePointLeft(2)
                        .setScale(0, RoundingMode.HALF_UP)
                        .intValueExact();
        int tv = 450 + 10 * (int) ((second / 30) % 5);
        int peak = 20 + (int) ((second / 45) % 5);
        int rr = v.respirationRate() == null ? 0 : v.respirationRate();
        BigDecimal mv = BigDecimal.valueOf((long) tv * rr, 3).setScale(2, RoundingMode.HALF_UP);
        List<String> alarms = new ArrayList<>();
        if (v.has(SensorCondition.SENSOR_OFF) || v.has(SensorCondition.NO_SENSOR)) {
            alarms.add("235SPO2 SENSOR ");
        } else if (v.spo2() != null && v.spo2() < 90) {
            alarms.add("307SPO2 LOW    ");
        }
        return new Values(v, etco2, tv, peak, mv, List.copyOf(alarms));
    }

    /** Measured data, code page 1: the data of the answer, without SOH, command, checksum and CR. */
    public static byte[] measuredCp1(Values x) {
        StringBuilder b = new StringBuilder();
        record(b, 0xEB, x.vitals().spo2(), 4);
        record(b, 0xE1, x.vitals().pulseRate(), 4);
        record(b, 0xE6, x.etco2MmHg(), 4);
        record(b, 0xD6, x.vitals().respirationRate(), 4);
        record(b, 0x7D, x.peakPressure(), 4);
        record(b, 0x78, 5, 4);
        record(b, 0x88, x.tidalVolume(), 4);
        record(b, 0xB9, x.minuteVolume().toPlainString(), 4);
        return ascii(b);
    }

    /** Measured data, code page 2: expired and inspired tidal volumes. */
    public static byte[] measuredCp2(Values x) {
        StringBuilder b = new StringBuilder();
        record(b, 0x21, x.tidalVolume() - 5, 4);
        record(b, 0x22, x.tidalVolume(), 4);
        return ascii(b);
    }

    /** Device settings: FiO2, PEEP, frequency, tidal volume. */
    public static byte[] settings(Values x) {
        StringBuilder b = new StringBuilder();
        record(b, 0x01, "40", 5);
        record(b, 0x0B, "5.0", 5);
        record(b, 0x0A, x.vitals().respirationRate(), 5);
        record(b, 0x04, "0.47", 5);
        return ascii(b);
    }

    /** Current alarms, code page 1 (none when the patient is well). */
    public static byte[] alarmsCp1(Values x) {
        return ascii(new StringBuilder(String.join("", x.alarms())));
    }

    private static void record(StringBuilder b, int code, @Nullable Object value, int width) {
        String text = value == null ? "-".repeat(width - 1) : value.toString();
        if (text.length() > width) {
            throw new IllegalArgumentException(value + " does not fit " + width + " characters");
        }
        b.append(String.format(Locale.ROOT, "%02X", code))
                .append(" ".repeat(width - text.length()))
                .append(text);
    }

    private static byte[] ascii(StringBuilder b) {
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code ESC code data checksum CR} or {@code SOH ...}: the checksum sums start byte to last data byte. */
    public static byte[] message(int start, int code, byte[] data) {
        byte[] m = new byte[data.length + 5];
        m[0] = (byte) start;
        m[1] = (byte) code;
        System.arraycopy(data, 0, m, 2, data.length);
        int sum = start + code;
        for (byte d : data) {
            sum += d & 0xFF;
        }
        byte[] hex = String.format(Locale.ROOT, "%02X", sum & 0xFF).getBytes(StandardCharsets.US_ASCII);
        m[data.length + 2] = hex[0];
        m[data.length + 3] = hex[1];
        m[data.length + 4] = 0x0D;
        return m;
    }
}
