/**
 * Simulated bedside devices that speak their real wire protocol over a real pseudo-terminal, so the gateway opens them
 * exactly as it opens a USB-serial adapter: {@link org.bedside.sim.MasimoSimulator} sends Masimo "ASCII 1" lines
 * ({@link org.bedside.sim.MasimoLineEncoder}, the inverse of the gateway's decoder) from a {@link
 * org.bedside.sim.scenario.Scenario}, on the serial simulator base of {@code org.bedside.sim.serial} (its thread, port,
 * log, listeners and faults: garbage, silence and pulled cables). {@link org.bedside.sim.SimulatorMain} runs simulators
 * for the demo.
 */
@NullMarked
package org.bedside.sim;

import org.jspecify.annotations.NullMarked;
