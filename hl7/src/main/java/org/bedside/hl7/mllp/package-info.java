/**
 * HL7 v2 over MLLP: {@link org.bedside.hl7.mllp.MllpFrameDecoder} (the bounded framer that sits in front of HAPI's
 * parser), {@link org.bedside.hl7.mllp.MllpListener} (a server that hands each parsed message to an {@link
 * org.bedside.hl7.mllp.MllpHandler} and acknowledges in the mode the message asks for only after the handler decided)
 * and {@link org.bedside.hl7.mllp.MllpClient} (a sender that waits for the acknowledgement of each message and says
 * whether it was accepted, should be sent again later, or was refused). See docs/hl7.md.
 */
@NullMarked
package org.bedside.hl7.mllp;

import org.jspecify.annotations.NullMarked;
