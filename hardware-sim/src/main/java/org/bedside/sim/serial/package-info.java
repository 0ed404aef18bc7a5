/**
 * What every simulated serial device shares, whatever its protocol: a virtual port, one thread that reads the
 * gateway's requests and sends what is due, a log of what was sent, and the faults of a serial line (garbage, a
 * corrupted checksum, silence, a pulled cable). The protocol packages ({@code org.bedside.sim.gedri}, {@code .nonin},
 * {@code .medibus}) only encode and answer.
 */
@NullMarked
package org.bedside.sim.serial;

import org.jspecify.annotations.NullMarked;
