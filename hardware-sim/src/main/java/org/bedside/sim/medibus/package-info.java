/**
 * A simulated Dräger ventilator speaking Medibus slow data over a virtual serial port: it answers the gateway's ICC,
 * NOP and data requests (measured data code pages 1 and 2, alarms, device settings, identification) from a scenario,
 * opens the link from its side too, and drops it when the gateway falls silent. Written from
 * ../shared/design/protocols.md section 3, not from the driver's tables.
 */
@NullMarked
package org.bedside.sim.medibus;

import org.jspecify.annotations.NullMarked;
