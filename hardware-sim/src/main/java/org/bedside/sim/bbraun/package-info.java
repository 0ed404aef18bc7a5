/**
 * A simulated B. Braun SpaceCom rack speaking BCC on a virtual serial port and on a TCP port: it answers ADMIN:ALIVE,
 * ADMIN:VERSION, MEM:GET and MEM:GETSLOT, splits long answers into parts (ETB ... ETX) sent one after another as the
 * gateway acknowledges them, answers a damaged request with NAK and anything that is not a reading request with an
 * error (and counts it). Its pumps follow a script: they start, change rate, occlude, near their end, finish into KVO
 * and leave their slot. Written from ../shared/design/protocols.md section 5.1, not from the driver's tables.
 */
@NullMarked
package org.bedside.sim.bbraun;

import org.jspecify.annotations.NullMarked;
