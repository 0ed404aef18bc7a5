package org.bedside.sim.scenario;

/** A stable adult, indefinitely: {@link NormalAdult} and nothing else. */
final class SteadyScenario implements Scenario {
    private final NormalAdult patient;

    SteadyScenario(long seed) {
        this.patient = new NormalAdult(seed);
    }

    @Override
    public String name() {
        return Scenarios.STEADY;
    }

    @Override
    public VitalSigns at(long second) {
        NormalAdult.checkSecond(second);
        return patient.at(second).build();
    }
}
