package org.bedside.sim.scenario;

/**
 * A cardiac arrest for the alarm path: every five minutes the ECG shows asystole for 20 seconds, and the patient is
 * then back in sinus rhythm (resuscitated, for the demo's sake):
 *
 * <pre>
 * second in cycle   0 ─────── 60 ──────────── 80 ───────── 300
 *                   normal    asystole         normal
 *                             HR 0, no pulse,
 *                             no SpO2 (no pulsatile signal)
 * </pre>
 *
 * <p>On a monitor (the IntelliVue simulator) the ECG heart rate reads 0 and the monitor raises its own high-priority
 * asystole alarm ({@code NOM_EVT_ECG_ASYSTOLE}); the pulse oximeter loses its signal, so pulse rate and SpO2 show
 * dashes. An oximeter alone (the Masimo simulator) shows only the dashes.
 */
final class AsystoleScenario implements Scenario {
    static final int CYCLE_SECONDS = 300;
    static final int ARREST_STARTS = 60;
    static final int RHYTHM_BACK = 80;

    private final NormalAdult patient;

    AsystoleScenario(long seed) {
        this.patient = new NormalAdult(seed);
    }

    @Override
    public String name() {
        return Scenarios.ASYSTOLE;
    }

    @Override
    public VitalSigns at(long second) {
        NormalAdult.checkSecond(second);
        long inCycle = second % CYCLE_SECONDS;
        VitalSigns.Builder b = patient.at(second);
        if (inCycle >= ARREST_STARTS && inCycle < RHYTHM_BACK) {
            return b.heartRate(0)
                    .pulseRate(null)
                    .spo2(null)
                    .perfusionIndex(null)
                    .build();
        }
        return b.build();
    }
}
