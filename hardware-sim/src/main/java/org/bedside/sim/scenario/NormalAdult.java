package org.bedside.sim.scenario;

/**
 * A resting adult with a good sensor: SpO2 about 97 %, pulse about 72/min, PI about 3.6 %, and the small variation a
 * real trace shows; on a monitor also heart rate (the pulse, counted on the ECG), respiration about 14/min, temperature
 * about 36.8 °C and a blood pressure about 120/78 mmHg. The other scenarios start from this and change what they are about.
 */
final class NormalAdult {
    static final int SPO2 = 97;
    static final int PULSE_RATE = 72;
    static final double PERFUSION_INDEX = 3.6;
    static final int RESPIRATION_RATE = 14;
    static final double TEMPERATURE = 36.8;
    static final int SYSTOLIC = 120;
    static final int DIASTOLIC = 78;

    private final Variation variation;

    NormalAdult(long seed) {
        this.variation = new Variation(seed);
    }

    VitalSigns.Builder at(long second) {
        Variation v = variation;
        int pulse = (int) Math.round(PULSE_RATE + 3 * v.wander(1, second, 31) + 1.2 * v.jitter(1, second));
        int systolic = (int) Math.round(SYSTOLIC + 6 * v.wander(7, second, 600) + 2 * v.jitter(7, second));
        int diastolic = (int) Math.round(DIASTOLIC + 4 * v.wander(8, second, 600) + 1.5 * v.jitter(8, second));
        return VitalSigns.builder()
                .spo2(clamp((int) Math.round(SPO2 + 0.8 * v.wander(0, second, 47) + 0.5 * v.jitter(0, second)), 0, 100))
                .pulseRate(pulse)
                .perfusionIndex(PERFUSION_INDEX + 0.4 * v.wander(2, second, 23) + 0.05 * v.jitter(2, second))
                .spco(1.0 + 0.2 * v.wander(3, second, 120))
                .spmet(0.5 + 0.1 * v.wander(4, second, 150))
                .desatIndex(0)
                .perfusionIndexDelta((int) Math.round(5 * v.wander(5, second, 60)))
                .plethVariabilityIndex((int) Math.round(15 + 3 * v.wander(6, second, 40)))
                // the ECG counts the same beats the oximeter sees, give or take one
                .heartRate(pulse + (int) Math.round(0.6 * v.jitter(9, second)))
                .respirationRate((int) Math.round(RESPIRATION_RATE + 2 * v.wander(10, second, 90)))
                .temperature(TEMPERATURE + 0.2 * v.wander(11, second, 1800))
                .nibp(systolic, diastolic, (int) Math.round(diastolic + (systolic - diastolic) / 3.0));
    }

    static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    static void checkSecond(long second) {
        if (second < 0) {
            throw new IllegalArgumentException("a scenario starts at second 0, not " + second);
        }
    }
}
