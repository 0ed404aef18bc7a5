package org.bedside.sim.scenario;

import java.util.Objects;

/**
 * A desaturation episode every five minutes, enough for SpO2-low alarms on a demo screen:
 *
 * <pre>
 * second in cycle   0 ── 30 ─────── 120 ──── 180 ───── 240 ──── 300
 * SpO2              97   falls to 82  holds 82  recovers  97
 * pulse             72   rises to 97  ...       falls     72
 * </pre>
 *
 * <p>The device's desaturation index counts the episodes that reached their lowest point.
 */
final class DesaturationScenario implements Scenario {
    static final int CYCLE_SECONDS = 300;
    static final int FALL_STARTS = 30;
    static final int NADIR_STARTS = 120;
    static final int RECOVERY_STARTS = 180;
    static final int RECOVERED = 240;
    static final int NADIR_SPO2 = 82;
    static final int PULSE_RISE = 25;

    private final NormalAdult patient;

    DesaturationScenario(long seed) {
        this.patient = new NormalAdult(seed);
    }

    @Override
    public String name() {
        return Scenarios.DESATURATION;
    }

    @Override
    public VitalSigns at(long second) {
        NormalAdult.checkSecond(second);
        long inCycle = second % CYCLE_SECONDS;
        long episodesAtNadir = second / CYCLE_SECONDS + (inCycle >= NADIR_STARTS ? 1 : 0);
        double depth = depth(inCycle);
        VitalSigns.Builder b = patient.at(second);
        VitalSigns normal = b.build();
        int spo2 = (int) Math.round(requireValue(normal.spo2()) - depth * (NormalAdult.SPO2 - NADIR_SPO2));
        int pulse = (int) Math.round(requireValue(normal.pulseRate()) + depth * PULSE_RISE);
        // Hypoxaemia comes with peripheral vasoconstriction: perfusion drops by up to a third.
        double pi = requireValue(normal.perfusionIndex()) * (1 - depth / 3);
        int heartRate = (int) Math.round(requireValue(normal.heartRate()) + depth * PULSE_RISE);
        return b.spo2(NormalAdult.clamp(spo2, 0, 100))
                .pulseRate(pulse)
                .heartRate(heartRate)
                .perfusionIndex(pi)
                .desatIndex((int) Math.min(99, episodesAtNadir))
                .build();
    }

    /** 0 at baseline, 1 at the lowest point. */
    private static double depth(long inCycle) {
        if (inCycle < FALL_STARTS || inCycle >= RECOVERED) {
            return 0;
        }
        if (inCycle < NADIR_STARTS) {
            return (double) (inCycle - FALL_STARTS) / (NADIR_STARTS - FALL_STARTS);
        }
        if (inCycle < RECOVERY_STARTS) {
            return 1;
        }
        return 1 - (double) (inCycle - RECOVERY_STARTS) / (RECOVERED - RECOVERY_STARTS);
    }

    private static <T> T requireValue(T value) {
        return Objects.requireNonNull(value, "the normal adult always has a value");
    }
}
