/**
 * IHE PCD-01 (Communicate PCD Data, {@code ORU^R01}) in both directions: {@link org.bedside.hl7.pcd.Pcd01Decoder}
 * reads a message from a device observation reporter into readings, {@link org.bedside.hl7.pcd.Pcd01Encoder} writes
 * the gateway's readings as the message an interface engine expects. Both are pure (no I/O, no clock) and use HAPI's
 * v2.6 structures; codes are MDC, units UCUM ({@link org.bedside.hl7.pcd.MdcTerms}).
 */
@NullMarked
package org.bedside.hl7.pcd;

import org.jspecify.annotations.NullMarked;
