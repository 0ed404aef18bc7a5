/**
 * What every simulated serial device shares, whatever its protocol: a virtual port, one thread that reads the
 * gateway's requests (or, for a device that only streams, waits for its next frame) and sends what is due, a log of
 * what was sent, listeners, pacing at the line's baud rate, and the faults of a serial line (garbage, a corrupted
 * checksum where frames have one, silence, a pulled cable). The Masimo simulator ({@code org.bedside.sim}) and the
 * protocol packages ({@code org.bedside.sim.gedri}, {@code .nonin}, {@code .medibus}, {@code .bbraun}) only encode and
 * answer.
 */
@NullMarked
package org.bedside.sim.serial;

import org.jspecify.annotations.NullMarked;
