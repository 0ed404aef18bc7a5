package org.bedside.sim.scenario;

/**
 * Something wrong with the sensor or its signal that a pulse oximeter reports besides (or instead of) numbers. A
 * healthy measurement has none. Each device simulator maps these to its own protocol's flags (Masimo: the EXC field).
 */
public enum SensorCondition {
    /** No sensor is connected to the patient cable. */
    NO_SENSOR,
    /** The sensor is connected but fell off the patient's finger. */
    SENSOR_OFF,
    DEFECTIVE_SENSOR,
    UNRECOGNIZED_SENSOR,
    /** The patient cable itself is missing. */
    NO_CABLE,
    /** The signal is too weak to trust (cold fingers, vasoconstriction). */
    LOW_PERFUSION,
    /** The device is looking for a pulse, typically for a few seconds after the sensor goes on. */
    PULSE_SEARCH,
    INTERFERENCE,
    AMBIENT_LIGHT,
    LOW_SIGNAL_IQ,
    SENSOR_CALIBRATING
}
