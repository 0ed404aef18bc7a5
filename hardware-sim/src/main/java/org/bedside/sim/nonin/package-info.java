/**
 * A simulated Nonin pulse oximeter streaming Data Format 13 or Data Format 2 over a virtual serial port, from a
 * scenario. The encoder is written from ../shared/design/protocols.md section 4.2, not from the driver's tables.
 */
@NullMarked
package org.bedside.sim.nonin;

import org.jspecify.annotations.NullMarked;
