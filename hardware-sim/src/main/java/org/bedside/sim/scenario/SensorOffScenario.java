package org.bedside.sim.scenario;

/**
 * The sensor comes off the finger for 30 seconds every two minutes:
 *
 * <pre>
 * second in cycle   0 ──────── 30 ───────── 60 ──────── 65 ──────── 120
 *                   normal     sensor off    pulse search  normal
 *                              (dashes)      (dashes)
 * </pre>
 *
 * <p>After the sensor goes back on, the device searches for the pulse for a few seconds before it shows numbers again,
 * as a real oximeter does.
 */
final class SensorOffScenario implements Scenario {
    static final int CYCLE_SECONDS = 120;
    static final int OFF_STARTS = 30;
    static final int SEARCH_STARTS = 60;
    static final int NORMAL_AGAIN = 65;

    private final NormalAdult patient;

    SensorOffScenario(long seed) {
        this.patient = new NormalAdult(seed);
    }

    @Override
    public String name() {
        return Scenarios.SENSOR_OFF;
    }

    @Override
    public VitalSigns at(long second) {
        NormalAdult.checkSecond(second);
        long inCycle = second % CYCLE_SECONDS;
        if (inCycle >= OFF_STARTS && inCycle < SEARCH_STARTS) {
            return VitalSigns.noSignal(SensorCondition.SENSOR_OFF);
        }
        if (inCycle >= SEARCH_STARTS && inCycle < NORMAL_AGAIN) {
            return VitalSigns.noSignal(SensorCondition.PULSE_SEARCH);
        }
        return patient.at(second).build();
    }
}
