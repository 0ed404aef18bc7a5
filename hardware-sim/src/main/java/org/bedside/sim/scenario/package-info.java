/**
 * What a simulated patient and sensor look like second by second: {@link org.bedside.sim.scenario.VitalSigns} (the
 * values a device would display, or none) and {@link org.bedside.sim.scenario.Scenario}s that produce them as a pure,
 * seeded function of elapsed time (steady, desaturation, sensor off, and replays of PhysioNet BIDMC recordings). Nothing
 * here knows a wire protocol; the device simulators in {@code org.bedside.sim} turn vitals into bytes.
 */
@NullMarked
package org.bedside.sim.scenario;

import org.jspecify.annotations.NullMarked;
