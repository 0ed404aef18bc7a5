package org.bedside.sim.scenario;

/**
 * A patient and sensor over time: what the device displays a given number of seconds after the scenario started.
 *
 * <p>Implementations are pure functions of the elapsed second (and of the seed they were made with): asking twice for
 * the same second gives the same vitals, from any thread, in any order. A simulator asks for second 0, 1, 2... one per
 * line it sends, so a simulator that sends a line every 50 ms plays the scenario twenty times faster than real time.
 */
public interface Scenario {

    /** The name the scenario was parsed from, such as {@code desaturation} or {@code bidmc:01}. */
    String name();

    /**
     * @param second seconds since the scenario started, from 0
     * @throws IllegalArgumentException for a negative second
     */
    VitalSigns at(long second);
}
