package org.bedside.sim.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a multi-parameter monitor displays at one second, for the simulators of monitors (GE DRI) and ventilators
 * (Medibus): the pulse oximetry of a {@link Scenario} (SpO2, pulse rate, sensor conditions) plus the vitals a
 * scenario does not model, derived from the second in a plain, deterministic way. Nothing here is physiology: the
 * derived vitals drift slowly inside normal adult ranges so that a test can tell one second from another.
 *
 * <ul>
 *   <li>heart rate (ECG): the pulse rate when the oximeter has one, otherwise 75 to 79 (the ECG does not need the
 *       finger sensor);
 *   <li>NIBP: a new measurement every {@link #NIBP_CYCLE_SECONDS}, shown until the next;
 *   <li>respiration rate 12 to 17 /min, temperature 36.5 to 36.9 °C, EtCO2 5.00 to 5.30 % at 760.0 mmHg.
 * </ul>
 *
 * <p>Values are held at the resolution monitors send them (temperature and EtCO2 in hundredths, pressure in tenths).
 * This type sits beside {@link VitalSigns} rather than in it, so that the oximeter simulators and their scenarios are
 * untouched.
 */
public record MonitorVitals(
        @Nullable Integer heartRate,
        @Nullable Integer spo2,
        @Nullable Integer pulseRate,
        @Nullable Integer nibpSystolic,
        @Nullable Integer nibpDiastolic,
        @Nullable Integer nibpMean,
        @Nullable Integer respirationRate,
        @Nullable BigDecimal temperature,
        @Nullable BigDecimal etco2Percent,
        @Nullable BigDecimal ambientPressure,
        Set<SensorCondition> conditions) {

    /** Seconds between two NIBP measurements: five minutes, a common automatic cycle. */
    public static final int NIBP_CYCLE_SECONDS = 300;

    public MonitorVitals {
        temperature = scale(temperature, 2);
        etco2Percent = scale(etco2Percent, 2);
        ambientPressure = scale(ambientPressure, 1);
        conditions = Set.copyOf(conditions);
    }

    private static @Nullable BigDecimal scale(@Nullable BigDecimal v, int decimals) {
        return v == null ? null : v.setScale(decimals, RoundingMode.HALF_UP);
    }

    /** The monitor's vitals at {@code second} of {@code scenario}. */
    public static MonitorVitals at(Scenario scenario, long second) {
        VitalSigns v = scenario.at(second);
        int measurement = (int) (second / NIBP_CYCLE_SECONDS);
        int systolic = 112 + (measurement * 7) % 17;
        int diastolic = 68 + (measurement * 5) % 11;
        int mean = Math.round((systolic + 2f * diastolic) / 3f);
        Integer pulse = v.pulseRate();
        return new MonitorVitals(
                pulse != null ? pulse : 75 + (int) ((second / 7) % 5),
                v.spo2(),
                pulse,
                systolic,
                diastolic,
                mean,
                12 + (int) ((second / 20) % 6),
                BigDecimal.valueOf(3650 + 10 * ((second / 60) % 5), 2),
                BigDecimal.valueOf(500 + 10 * ((second / 15) % 4), 2),
                BigDecimal.valueOf(7600, 1),
                v.conditions());
    }

    public boolean has(SensorCondition condition) {
        return conditions.contains(condition);
    }
}
